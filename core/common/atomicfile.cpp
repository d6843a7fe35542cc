#include "common/atomicfile.h"

#include "common/atomicfilewriter.h"

namespace cosmoclip {

void writeFileAtomically(const std::string& path, const void* data, size_t size) {
    AtomicFileWriter writer(path);
    writer.write(data, size);
    writer.commit();
}

}  // namespace cosmoclip
