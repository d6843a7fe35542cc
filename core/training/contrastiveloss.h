#pragma once

#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace cosmoclip {

/// [B, B] bool CPU matrix of positive pairs: i and j are positives when their captions are equal
/// or, with `labels` given (one per item, "" = none), when both have the same non-empty label.
/// The diagonal is always true.
at::Tensor positivePairs(const std::vector<std::string>& captions, const std::vector<std::string>& labels = {});

/// Symmetric InfoNCE (CLIP's loss, docs/clip-spec.md §6) with soft targets. Features are L2-normalised,
/// logits = exp(logitScale) * I @ T^T; each row's target is uniform over its positives, each
/// column's likewise; loss = (CE(logits, targets) + CE(logits^T, targets^T)) / 2, in float32.
/// `positives` undefined (or the identity) gives exactly CLIP's loss with labels arange(B): plain
/// InfoNCE stalls on label-built captions, where several images of a batch share one text and are
/// no negatives of each other.
at::Tensor contrastiveLoss(const at::Tensor& imageFeatures, const at::Tensor& textFeatures,
                           const at::Tensor& logitScale, const at::Tensor& positives = {});

}  // namespace cosmoclip
