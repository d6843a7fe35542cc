#!/usr/bin/env bash
# Rebuilds the built-in model models/cosmoclip-default from nothing but Debian's packages and this
# project's code: the demo catalog (Stellarium/KStars images), a BPE vocabulary trained on its
# captions, a small CLIP initialised at random and trained from scratch on the train split, then
# evaluated on the held-out test split. Deterministic for a given machine and thread count.
#   bash packaging/train-default-model.sh            (after bash packaging/setup.sh build)
# Environment: BUILD_DIR (default build), EPOCHS (default 40), WORK (scratch folder, default BUILD_DIR/default-model).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
work="${WORK:-$build/default-model}"
epochs="${EPOCHS:-40}"
cli="$build/app/cosmoclip"
out="$root/models/cosmoclip-default"
log() { printf '\033[1m[default-model]\033[0m %s\n' "$*" >&2; }

[ -x "$cli" ] || { echo "build first: bash packaging/setup.sh build" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"

log "demo catalog from the Stellarium and KStars packages"
"$cli" demo build --out "$work/demo" --json > "$work/demo.json"
roots=$(/usr/bin/python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["roots"]))' "$work/demo.json")

log "BPE vocabulary from the catalog's captions and labels"
"$cli" tokenizer train --db "$work/demo/catalog.sqlite" --vocab-size 4096 --out "$work/tokenizer" --json > "$work/tokenizer.json"

log "random initialisation ($(basename "$root/models/recipe/cosmoclip-default-config.json"))"
"$cli" model init --config "$root/models/recipe/cosmoclip-default-config.json" --tokenizer "$work/tokenizer" \
  --out "$work/init" --seed 0 --json > /dev/null

log "indexing the demo images"
mapfile -t root_list <<< "$roots"
"$cli" index --db "$work/demo/catalog.sqlite" --model "$work/init" "${root_list[@]}" --json > "$work/index.json"

log "training from scratch: $epochs epochs"
"$cli" finetune --db "$work/demo/catalog.sqlite" --base "$work/init" --out "$work/run" --epochs "$epochs" \
  --batch-size 64 --lr 5e-4 --warmup 40 --caption-style label-caption \
  --template "a telescope image of a {}." --seed 0 --json > "$work/finetune.json"

log "installing the best epoch into models/cosmoclip-default"
best=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["out"])' "$work/finetune.json")
rm -rf "$out.new" && mkdir -p "$out.new"
cp "$best"/config.json "$best"/model.safetensors "$best"/preprocessor_config.json "$best"/vocab.json "$best"/merges.txt "$out.new"/

log "choosing the zero-shot prompt on the validation split"
best_prompt=""; best_top1=-1
for prompt in "{}" "a telescope image of a {}." "{}: a telescope image" "{}: a telescope image of a {}"; do
  top1=$("$cli" eval --db "$work/demo/catalog.sqlite" --model "$out.new" --split val --caption-style label-caption \
    --template "$prompt" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["top1"])')
  log "  validation top-1 $top1 with \"$prompt\""
  if /usr/bin/python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) > float(sys.argv[2]) else 1)' "$top1" "$best_top1"; then
    best_prompt="$prompt"; best_top1="$top1"
  fi
done
printf '%s\n' "$best_prompt" > "$out.new/prompt_templates.txt"

log "evaluating on the held-out test split with \"$best_prompt\""
"$cli" eval --db "$work/demo/catalog.sqlite" --model "$out.new" --split test --caption-style label-caption \
  --template "$best_prompt" --json > "$out.new/eval-test.json"
cp "$work/finetune.json" "$out.new/training.json"
rm -rf "$out" && mv "$out.new" "$out"
/usr/bin/python3 "$root/models/recipe/write_model_card.py" "$out" "$work" > "$out/README.md"
log "done: $out ($(du -sh "$out" | cut -f1))"
