#pragma once

#include <QString>
#include <memory>

#include "catalog/catalogrecords.h"
#include "model/clipencoder.h"
#include "tokenizer/bpetokenizer.h"

namespace cosmoclip {

/// A model ready for catalog work: the encoder and tokenizer (shared by every job that uses them;
/// ClipEncoder is safe to call from several threads) and the model's row in the open catalog.
struct LoadedModel {
    QString path;  ///< the folder or .pt file the user chose
    std::shared_ptr<const ClipEncoder> encoder;
    std::shared_ptr<const BpeTokenizer> tokenizer;
    ModelRecord record;  ///< in the catalog the model was registered with
};

using LoadedModelPtr = std::shared_ptr<const LoadedModel>;

}  // namespace cosmoclip
