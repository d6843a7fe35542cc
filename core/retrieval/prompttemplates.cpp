#include "retrieval/prompttemplates.h"

#include <filesystem>

#include "common/error.h"

#include <fstream>
#include <map>

namespace cosmoclip {

namespace {

// Curated for sky images: instruments, processing and survey cutouts rather than everyday photos.
// Singular "a {}" phrasing, as the presets' prompts are singular nouns.
const std::vector<std::string> kAstronomyTemplates = {
    "a photo of a {}.",
    "an astronomical image of a {}.",
    "a telescope image of a {}.",
    "a telescope image of the {}.",
    "a deep-sky image of a {}.",
    "an astrophotograph of a {}.",
    "a long-exposure photo of a {}.",
    "a Hubble Space Telescope image of a {}.",
    "a James Webb Space Telescope image of a {}.",
    "an amateur astrophotography image of a {}.",
    "a black and white telescope image of a {}.",
    "a false-color image of a {}.",
    "a low resolution image of a {}.",
    "a noisy sky survey image of a {}.",
    "a cropped sky survey cutout of a {}.",
    "an image of a {} in space.",
    "a {} in the night sky.",
};

// open_clip src/open_clip/zero_shot_metadata.py, OPENAI_IMAGENET_TEMPLATES, same order.
const std::vector<std::string> kOpenAiImagenetTemplates = {
    "a bad photo of a {}.", "a photo of many {}.", "a sculpture of a {}.",
    "a photo of the hard to see {}.", "a low resolution photo of the {}.", "a rendering of a {}.",
    "graffiti of a {}.", "a bad photo of the {}.", "a cropped photo of the {}.", "a tattoo of a {}.",
    "the embroidered {}.", "a photo of a hard to see {}.", "a bright photo of a {}.",
    "a photo of a clean {}.", "a photo of a dirty {}.", "a dark photo of the {}.",
    "a drawing of a {}.", "a photo of my {}.", "the plastic {}.", "a photo of the cool {}.",
    "a close-up photo of a {}.", "a black and white photo of the {}.", "a painting of the {}.",
    "a painting of a {}.", "a pixelated photo of the {}.", "a sculpture of the {}.",
    "a bright photo of the {}.", "a cropped photo of a {}.", "a plastic {}.",
    "a photo of the dirty {}.", "a jpeg corrupted photo of a {}.", "a blurry photo of the {}.",
    "a photo of the {}.", "a good photo of the {}.", "a rendering of the {}.",
    "a {} in a video game.", "a photo of one {}.", "a doodle of a {}.",
    "a close-up photo of the {}.", "a photo of a {}.", "the origami {}.",
    "the {} in a video game.", "a sketch of a {}.", "a doodle of the {}.", "a origami {}.",
    "a low resolution photo of a {}.", "the toy {}.", "a rendition of the {}.",
    "a photo of the clean {}.", "a photo of a large {}.", "a rendition of a {}.",
    "a photo of a nice {}.", "a photo of a weird {}.", "a blurry photo of a {}.",
    "a cartoon {}.", "art of a {}.", "a sketch of the {}.", "a embroidered {}.",
    "a pixelated photo of a {}.", "itap of the {}.", "a jpeg corrupted photo of the {}.",
    "a good photo of a {}.", "a plushie {}.", "a photo of the nice {}.",
    "a photo of the small {}.", "a photo of the weird {}.", "the cartoon {}.", "art of the {}.",
    "a drawing of the {}.", "a photo of the large {}.", "a black and white photo of a {}.",
    "the plushie {}.", "a dark photo of a {}.", "itap of a {}.", "graffiti of the {}.",
    "a toy {}.", "itap of my {}.", "a photo of a cool {}.", "a photo of a small {}.",
    "a tattoo of the {}.",
};

// open_clip's SIMPLE_IMAGENET_TEMPLATES (from OpenAI's prompt-engineering notebook), same order.
const std::vector<std::string> kSimpleImagenetTemplates = {
    "itap of a {}.",           "a bad photo of the {}.", "a origami {}.",
    "a photo of the large {}.", "a {} in a video game.",  "art of the {}.",
    "a photo of the small {}.",
};

const std::vector<std::string> kLabelOnly = {"{}"};

const std::map<std::string, const std::vector<std::string>*, std::less<>>& templateSets()
{
    static const std::map<std::string, const std::vector<std::string>*, std::less<>> sets = {
        {"astronomy", &kAstronomyTemplates},
        {"openai-imagenet", &kOpenAiImagenetTemplates},
        {"simple-imagenet", &kSimpleImagenetTemplates},
        {"none", &kLabelOnly},
    };
    return sets;
}

const std::map<std::string, LabelPreset, std::less<>>& labelPresets()
{
    static const std::map<std::string, LabelPreset, std::less<>> presets = [] {
        std::map<std::string, LabelPreset, std::less<>> p;
        p["spacenet"] = {
            "spacenet",
            "SpaceNet's 8 classes, as used by CosmoCLIP",
            {"planets", "galaxies", "asteroids", "nebulae", "comets", "black holes", "stars",
             "constellations"},
            {"planet", "galaxy", "asteroid", "nebula", "comet", "black hole", "star",
             "constellation"},
        };
        p["galaxy-morphology"] = {
            "galaxy-morphology",
            "Galaxy morphology (Hubble sequence and Galaxy Zoo-style features)",
            {"spiral galaxy", "barred spiral galaxy", "elliptical galaxy", "lenticular galaxy",
             "irregular galaxy", "edge-on spiral galaxy", "merging galaxies", "ring galaxy",
             "dwarf galaxy"},
            {"spiral galaxy", "barred spiral galaxy", "elliptical galaxy", "lenticular galaxy",
             "irregular galaxy", "edge-on spiral galaxy", "pair of merging galaxies",
             "ring galaxy", "dwarf galaxy"},
        };
        p["deep-sky"] = {
            "deep-sky",
            "Deep-sky object types",
            {"emission nebula", "reflection nebula", "dark nebula", "planetary nebula",
             "supernova remnant", "globular cluster", "open cluster", "galaxy", "galaxy cluster",
             "star field"},
            {"emission nebula", "reflection nebula", "dark nebula", "planetary nebula",
             "supernova remnant", "globular star cluster", "open star cluster", "galaxy",
             "galaxy cluster", "star field"},
        };
        return p;
    }();
    return presets;
}

template <class Map>
std::string joinedKeys(const Map& map)
{
    std::string out;
    for (const auto& [key, value] : map)
        out += (out.empty() ? "" : ", ") + key;
    return out;
}

bool isBlank(std::string_view s)
{
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

const std::vector<std::string>& templateSet(std::string_view name)
{
    const auto& sets = templateSets();
    const auto it = sets.find(name);
    if (it == sets.end())
        throw Error("unknown template set \"" + std::string(name) + "\" (known: " +
                    joinedKeys(sets) + ")");
    return *it->second;
}

std::vector<std::string> templateSetNames()
{
    std::vector<std::string> names;
    for (const auto& [name, set] : templateSets())
        names.push_back(name);
    return names;
}

void validateTemplate(std::string_view tmpl)
{
    if (isBlank(tmpl))
        throw Error("template \"" + std::string(tmpl) + "\": is empty");
    if (tmpl.find("{}") == std::string_view::npos)
        throw Error("template \"" + std::string(tmpl) +
                    "\": has no {} where the label goes (e.g. \"a telescope image of a {}.\")");
}

std::string formatTemplate(std::string_view tmpl, std::string_view label)
{
    validateTemplate(tmpl);
    std::string out;
    out.reserve(tmpl.size() + label.size());
    size_t pos = 0;
    for (size_t hit; (hit = tmpl.find("{}", pos)) != std::string_view::npos; pos = hit + 2) {
        out.append(tmpl.substr(pos, hit - pos));
        out.append(label);
    }
    out.append(tmpl.substr(pos));
    return out;
}

std::vector<std::string> loadTemplatesFile(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw Error(path, "cannot open the template file");
    std::vector<std::string> templates;
    std::string line;
    for (size_t lineNo = 1; std::getline(in, line); ++lineNo) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
            continue;
        const size_t last = line.find_last_not_of(" \t");
        line = line.substr(first, last - first + 1);
        try {
            validateTemplate(line);
        } catch (const Error& e) {
            throw Error(path + ":" + std::to_string(lineNo), e.what());
        }
        templates.push_back(line);
    }
    if (templates.empty())
        throw Error(path, "holds no template (one per line, each with {} where the label goes)");
    return templates;
}

const LabelPreset& labelPreset(std::string_view name)
{
    const auto& presets = labelPresets();
    const auto it = presets.find(name);
    if (it == presets.end())
        throw Error("unknown label preset \"" + std::string(name) + "\" (known: " +
                    joinedKeys(presets) + ")");
    return it->second;
}

std::vector<std::string> labelPresetNames()
{
    std::vector<std::string> names;
    for (const auto& [name, preset] : labelPresets())
        names.push_back(name);
    return names;
}

std::vector<std::string> templatesForModel(const std::string& modelPath)
{
    std::error_code ec;
    std::filesystem::path folder(modelPath);
    if (!std::filesystem::is_directory(folder, ec)) folder = folder.parent_path();
    const auto file = folder / "prompt_templates.txt";
    if (!modelPath.empty() && std::filesystem::is_regular_file(file, ec)) return loadTemplatesFile(file.string());
    return templateSet(kDefaultTemplateSet);
}

}  // namespace cosmoclip
