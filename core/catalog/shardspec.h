#pragma once

#include <string>

namespace cosmoclip {

/// One share of a folder for distributed indexing (`index --shard I/N`): shard I of N takes the files
/// whose normalised path hashes to I modulo N. The choice depends only on the path string, so every
/// machine of a cluster (or every task of a SLURM array) agrees on it without talking to the others.
/// Shards are numbered from 0, like SLURM_ARRAY_TASK_ID with `--array=0-(N-1)`.
struct ShardSpec {
    int index = 0;
    int count = 1;

    /// Parses "I/N" (0 <= I < N); throws cosmoclip::Error naming the text and the problem.
    static ShardSpec parse(const std::string& text);
    bool contains(const std::string& normalizedPath) const;
    std::string toString() const { return std::to_string(index) + "/" + std::to_string(count); }
};

}  // namespace cosmoclip
