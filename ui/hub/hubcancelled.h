#pragma once

#include "common/error.h"

namespace cosmoclip {

/// Thrown when a pull stops because the user cancelled it (Ctrl-C, the GUI's Cancel). Files being
/// downloaded stay as FILE.incomplete, so the next pull resumes them.
class HubCancelled final : public Error {
public:
    HubCancelled() : Error("download cancelled; the partial files are kept and the next pull resumes them") {}
};

}  // namespace cosmoclip
