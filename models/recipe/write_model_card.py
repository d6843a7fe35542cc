"""Writes models/cosmoclip-default/README.md (the model card) from the files the recipe produced.

Usage: write_model_card.py MODEL_DIR WORK_DIR   (called by packaging/train-default-model.sh)
Only the standard library: it runs on Debian's /usr/bin/python3.
"""
import json
import os
import sys

model, work = sys.argv[1], sys.argv[2]
config = json.load(open(os.path.join(model, "config.json")))
evaluation = json.load(open(os.path.join(model, "eval-test.json")))
training = json.load(open(os.path.join(model, "training.json")))
demo = json.load(open(os.path.join(work, "demo.json")))
tokenizer = json.load(open(os.path.join(work, "tokenizer.json")))
size_mb = os.path.getsize(os.path.join(model, "model.safetensors")) / 1e6
vision, text = config["vision_config"], config["text_config"]
classes = demo["classes"]
prompt = open(os.path.join(model, "prompt_templates.txt")).read().strip()
chance = 1.0 / max(1, len([c for c in evaluation["per_class"]]))


def pct(value):
    return "–" if value is None else f"{100 * value:.1f}"


print(f"""# cosmoclip-default — the built-in model

A small CLIP trained **from scratch** by this project's own code on the demo catalog, because no
pretrained weights can be downloaded where CosmoCLIP is built. It knows the sky classes of the demo
catalog and the words of their captions, and nothing else: it is a working default for trying the
program, not a replacement for OpenAI's or LAION's CLIP (import one with `--model` for real work).

| | |
|---|---|
| architecture | ViT image tower {vision['image_size']}×{vision['image_size']} px, patch {vision['patch_size']}, width {vision['hidden_size']}, {vision['num_hidden_layers']} layers, {vision['num_attention_heads']} heads; text tower width {text['hidden_size']}, {text['num_hidden_layers']} layers, context {text['max_position_embeddings']}; embedding {config['projection_dim']}; QuickGELU |
| weights | `model.safetensors`, float32, {size_mb:.1f} MB (Hugging Face CLIPModel layout) |
| tokenizer | byte-level BPE trained on the catalog's captions and labels: {tokenizer['vocab_size']} tokens (`cosmoclip tokenizer train`) |
| data | `cosmoclip demo build`: {demo['images']} images from Debian's stellarium-data and kstars-data (photos credited in the catalog) plus sphere renders of planet and moon maps; {len(classes)} classes |
| split | by SHA-256 of each file's bytes: 70% train, 15% validation, 15% test (the same function `cosmoclip eval` uses) |
| recipe | `bash packaging/train-default-model.sh`: {training['epochs']} epochs, {training['steps']} steps, batch 64, AdamW lr 5e-4 (warmup 40, cosine), weight decay 0.2, captions "label: caption", images with the same label as positives, sky-safe augmentation (crops, flips, 90° turns, stretch jitter); best epoch by validation top-1 (epoch {training['best']['epoch']}) |

## Evaluation on the held-out test split ({evaluation['n']} images)

Zero-shot prompt "{prompt}" (chosen on the validation split among four candidates; stored in
`prompt_templates.txt`, which `classify`, `eval` and the app use by default for this model) over the
{len(evaluation['per_class'])} classes present in the test split (chance {pct(chance)}%):

| metric | % |
|---|---|
| zero-shot top-1 | {pct(evaluation['top1'])} |
| zero-shot top-5 | {pct(evaluation['top5'])} |
| image→text recall@1 / @5 / @10 | {pct(evaluation['i2t_recall@1'])} / {pct(evaluation['i2t_recall@5'])} / {pct(evaluation['i2t_recall@10'])} |
| text→image recall@1 / @5 / @10 | {pct(evaluation['t2i_recall@1'])} / {pct(evaluation['t2i_recall@5'])} / {pct(evaluation['t2i_recall@10'])} |

Per class (top-1 %, test images):

| class | top-1 | images |
|---|---|---|""")
counts = evaluation.get("per_class_n", {})
for label, value in sorted(evaluation["per_class"].items()):
    print(f"| {label} | {pct(value)} | {counts.get(label, '')} |")
print("""
Reproduce the numbers with `cosmoclip eval --db DEMO/catalog.sqlite --model models/cosmoclip-default --split test
--caption-style label-caption --json` (the prompt comes from `prompt_templates.txt`; `eval-test.json` holds this
run's output; `training.json` the per-epoch history).

Licence of the training images: see `shared/docs/demo-data.md` and `/usr/share/doc/stellarium-data/copyright`;
each image's credit is stored in the demo catalog and shown in the app.""")
