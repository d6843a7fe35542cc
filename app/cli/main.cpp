#include "common/version.h"
#include <cstdio>
int main() { std::printf("cosmoclip %s\n", cosmoclip::kVersion); return 0; }
