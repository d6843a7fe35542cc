#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cosmoclip {

// Prompt templates and label presets for zero-shot labelling. A template is a sentence with one or
// more "{}" that the label fills, e.g. "a telescope image of a {}.".

/// Template sets by name: "astronomy" (the built-in sky-image set, the default), "openai-imagenet"
/// (OpenAI's 80 ImageNet templates, as in open_clip's zero_shot_metadata.py), "simple-imagenet"
/// (open_clip's 7-template subset), "none" ("{}" alone: the label is the prompt).
/// Throws cosmoclip::Error naming the known sets for any other name.
const std::vector<std::string>& templateSet(std::string_view name);
std::vector<std::string> templateSetNames();
/// The default template set's name ("astronomy").
inline constexpr std::string_view kDefaultTemplateSet = "astronomy";

/// Replaces every "{}" in `tmpl` with `label`. Throws Error when the template has no "{}".
std::string formatTemplate(std::string_view tmpl, std::string_view label);
/// Throws Error "template "...": ..." unless `tmpl` holds at least one "{}" and is not blank.
void validateTemplate(std::string_view tmpl);

/// User templates from a text file: one template per line; blank lines and lines starting with '#'
/// are skipped; each template is validated. Throws Error "PATH:LINE: ..." or "PATH: ..." (no file,
/// no template in it).
std::vector<std::string> loadTemplatesFile(const std::string& path);

/// The prompts to use with the model at `modelPath` when the user names none: the model's own
/// `prompt_templates.txt` (one template per line, beside its weights; the built-in model ships one
/// chosen on its validation split), else the default set. Throws Error for a malformed file.
std::vector<std::string> templatesForModel(const std::string& modelPath);

/// A named label set. `labels` are what gets stored and shown; `prompts[i]` is the phrase that
/// fills the templates for labels[i] (singular, so "a photo of a {}." reads as a sentence).
struct LabelPreset {
    std::string name;
    std::string description;
    std::vector<std::string> labels;
    std::vector<std::string> prompts;
};

/// Presets: "spacenet" (SpaceNet's / CosmoCLIP's 8 classes), "galaxy-morphology", "deep-sky".
/// Throws Error naming the known presets for any other name.
const LabelPreset& labelPreset(std::string_view name);
std::vector<std::string> labelPresetNames();

}  // namespace cosmoclip
