#pragma once

#include <QString>
#include <QStringList>
#include <memory>

#include "loadedmodel.h"

// Catalogs for the window tests, built through core directly (the reference model from
// COSMOCLIP_SHARED_DIR, real PNG files), so that what the window shows can be checked against what
// core computes on its own.
namespace catalogfixture {

/// The tiny real-format CLIP of the shared reference data (64 x 64 input).
QString modelDir();

/// A small synthetic sky picture: noise, stars and one coloured blob, distinct for every seed.
void writeSkyPng(const QString& path, int seed, int size = 96);

/// The reference model with its tokenizer, registered in `catalogPath` (created when missing).
cosmoclip::LoadedModelPtr loadModel(const QString& catalogPath);

/// Indexes `roots` into `catalogPath` with `model`, as `cosmoclip index` does.
void index(const QString& catalogPath, const cosmoclip::LoadedModel& model, const QStringList& roots);

}  // namespace catalogfixture
