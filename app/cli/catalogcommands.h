#pragma once

#include <string>
#include <vector>

namespace cosmoclip::cli {

// `cosmoclip index|annotate|classify|search`, as written in shared/docs/cli.md.
int runIndex(const std::vector<std::string>& args);
/// `merge --db CATALOG SHARD...`: shards written by `index --shard` folded into the catalog.
int runMerge(const std::vector<std::string>& args);
int runAnnotate(const std::vector<std::string>& args);
int runClassify(const std::vector<std::string>& args);
int runSearch(const std::vector<std::string>& args);
/// `bench index` (dispatched from `bench`).
int runBenchIndex(const std::vector<std::string>& args);

}  // namespace cosmoclip::cli
