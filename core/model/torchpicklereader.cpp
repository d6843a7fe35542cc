#include "model/torchpicklereader.h"

#include "common/error.h"
#include "model/safetensorswriter.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <string_view>

namespace cosmoclip {

namespace {

// LibTorch's unpickler has no POP; its NEWOBJ drops the top of the stack (it expects the empty tuple of
// an old pickler's NEWOBJ there), which is exactly a POP.
constexpr char kPop = '\x81';

// How the argument of a pickle opcode is laid out (protocols 0-5), enough to walk the stream.
enum class ArgKind { None, Fixed, Line, TwoLines, Length };

struct OpcodeArg {
    ArgKind kind = ArgKind::None;
    size_t bytes = 0;  // Fixed: the argument size; Length: the size of the length prefix
};

bool opcodeArg(unsigned char code, OpcodeArg& arg) {
    switch (code) {
        case '(': case '.': case '0': case '1': case '2': case 'N': case 'Q': case 'R': case 'a':
        case 'b': case 'd': case '}': case 'e': case 'l': case ']': case 'o': case 's': case 't':
        case ')': case 'u': case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89:
        case 0x8f: case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x97: case 0x98:
            arg = {ArgKind::None, 0};
            return true;
        case 'F': case 'I': case 'L': case 'P': case 'S': case 'V': case 'g': case 'p':
            arg = {ArgKind::Line, 0};
            return true;
        case 'c': case 'i':
            arg = {ArgKind::TwoLines, 0};
            return true;
        case 'K': case 'h': case 'q': case 0x80: case 0x82:
            arg = {ArgKind::Fixed, 1};
            return true;
        case 'M': case 0x83:
            arg = {ArgKind::Fixed, 2};
            return true;
        case 'J': case 'j': case 'r': case 0x84:
            arg = {ArgKind::Fixed, 4};
            return true;
        case 'G': case 0x95:
            arg = {ArgKind::Fixed, 8};
            return true;
        case 'U': case 'C': case 0x8a: case 0x8c:
            arg = {ArgKind::Length, 1};
            return true;
        case 'T': case 'X': case 'B': case 0x8b:
            arg = {ArgKind::Length, 4};
            return true;
        case 0x8d: case 0x8e: case 0x96:
            arg = {ArgKind::Length, 8};
            return true;
        default:
            return false;
    }
}

uint64_t littleEndian(const char* data, size_t bytes) {
    uint64_t value = 0;
    for (size_t i = 0; i < bytes; ++i) value |= uint64_t(static_cast<unsigned char>(data[i])) << (8 * i);
    return value;
}

// The size of the opcode at `pos` with its argument; throws when it runs past the end.
size_t opcodeSize(const std::string& in, size_t pos, const std::string& path) {
    const auto code = static_cast<unsigned char>(in[pos]);
    OpcodeArg arg;
    if (!opcodeArg(code, arg))
        throw Error(path, "data.pkl: unknown pickle opcode " + std::to_string(code) + " at byte " + std::to_string(pos));
    const auto truncated = [&] { return Error(path, "data.pkl: truncated at byte " + std::to_string(pos)); };
    size_t size = 1;
    switch (arg.kind) {
        case ArgKind::None:
            break;
        case ArgKind::Fixed:
            size += arg.bytes;
            break;
        case ArgKind::Line:
        case ArgKind::TwoLines: {
            size_t end = in.find('\n', pos + 1);
            if (end != std::string::npos && arg.kind == ArgKind::TwoLines) end = in.find('\n', end + 1);
            if (end == std::string::npos) throw truncated();
            size = end + 1 - pos;
            break;
        }
        case ArgKind::Length: {
            if (pos + 1 + arg.bytes > in.size()) throw truncated();
            const uint64_t length = littleEndian(in.data() + pos + 1, arg.bytes);
            if (length > in.size()) throw truncated();
            size += arg.bytes + static_cast<size_t>(length);
            break;
        }
    }
    if (pos + size > in.size()) throw truncated();
    return size;
}

// The globals a state dict of tensors may name; anything else could run code in Python and is refused.
bool allowedGlobal(const std::string& module, const std::string& name) {
    if (module == "collections" && name == "OrderedDict") return true;
    if (module == "torch._utils" && name == "_rebuild_tensor_v2") return true;
    return module == "torch" && name.size() > 7 && name.ends_with("Storage");
}

// What the rewriter needs to know about a value on the pickle stack: where its opcodes begin in the
// output, and whether it is the OrderedDict class or an empty tuple.
enum class ValueKind { Other, DictClass, EmptyTuple };
struct StackValue {
    size_t start = 0;
    ValueKind kind = ValueKind::Other;
};

// Stack effect (values popped, pushed) of the opcodes with a fixed one; false for MARK and the
// opcodes that pop to a mark.
bool fixedEffect(unsigned char code, size_t& pops, size_t& pushes) {
    pops = 0;
    pushes = 1;
    switch (code) {
        case '(': case 't': case 'l': case 'd': case 'e': case 'u': case '1':
            return false;
        case 'p': case 'q': case 'r': case 0x80:
            pushes = 0;
            return true;
        case '.': case '0':
            pops = 1;
            pushes = 0;
            return true;
        case 'Q': case 0x85:
            pops = 1;
            return true;
        case 'R': case 'b': case 'a': case 0x86:
            pops = 2;
            return true;
        case 's': case 0x87:
            pops = 3;
            return true;
        default:
            return true;  // the rest push one value
    }
}

/// data.pkl as LibTorch 1.13's unpickler can read it. That unpickler turns collections.OrderedDict()
/// into None (it expects OrderedDicts only as a tensor's unused backward hooks), so a state dict, which
/// is an OrderedDict, fails; it also lacks SETITEM and APPEND, and runs BUILD as a call. The stream is
/// therefore walked with a model of the stack: `GLOBAL collections.OrderedDict` becomes NONE (its memo
/// slot keeps working) and the `EMPTY_TUPLE REDUCE` calling it becomes `POP EMPTY_DICT`; `k v SETITEM`
/// becomes `MARK k v SETITEMS` (APPEND likewise); BUILD and the state before it (a state dict's
/// `_metadata`) are dropped. Only the globals of tensor rebuilding may appear; opcodes that construct
/// other Python objects are refused.
std::string rewritePickle(const std::string& in, const std::string& path) {
    std::string out;
    out.reserve(in.size());
    std::vector<StackValue> stack;
    std::vector<size_t> marks;  // stack sizes at each MARK
    std::map<uint64_t, ValueKind> memo;
    const auto fail = [&](size_t at, const std::string& why) {
        return Error(path, "data.pkl: " + why + " at byte " + std::to_string(at) + " (only state dicts of tensors are read)");
    };
    size_t at = 0;
    const auto pop = [&] {
        if (stack.size() <= (marks.empty() ? 0 : marks.back())) throw fail(at, "malformed pickle (stack underflow)");
        const StackValue v = stack.back();
        stack.pop_back();
        return v;
    };
    for (size_t pos = 0; pos < in.size();) {
        at = pos;
        const size_t size = opcodeSize(in, pos, path);
        const auto code = static_cast<unsigned char>(in[pos]);
        const std::string_view whole(in.data() + pos, size);
        pos += size;
        const size_t start = out.size();
        switch (code) {
            case 'c': {
                const size_t split = whole.find('\n');
                const std::string module(whole.substr(1, split - 1));
                const std::string name(whole.substr(split + 1, whole.size() - split - 2));
                if (!allowedGlobal(module, name))
                    throw fail(at, "refers to the Python global '" + module + "." + name +
                                       "', which is not a tensor or container");
                const bool dictClass = module == "collections";
                if (dictClass)
                    out += 'N';
                else
                    out.append(whole);
                stack.push_back({start, dictClass ? ValueKind::DictClass : ValueKind::Other});
                continue;
            }
            case 'h': case 'j': {
                const auto slot = memo.find(littleEndian(whole.data() + 1, size - 1));
                out.append(whole);
                stack.push_back({start, slot == memo.end() ? ValueKind::Other : slot->second});
                continue;
            }
            case 'q': case 'r':
                if (stack.empty()) throw fail(at, "malformed pickle (memo of an empty stack)");
                memo[littleEndian(whole.data() + 1, size - 1)] = stack.back().kind;
                out.append(whole);
                continue;
            case ')':
                out.append(whole);
                stack.push_back({start, ValueKind::EmptyTuple});
                continue;
            case 'R': {
                const StackValue args = pop(), callee = pop();
                if (callee.kind == ValueKind::DictClass) {
                    if (args.kind != ValueKind::EmptyTuple) throw fail(at, "collections.OrderedDict called with arguments");
                    out.resize(args.start);
                    out += kPop;
                    out += '}';
                } else {
                    out.append(whole);
                }
                stack.push_back({callee.start, ValueKind::Other});
                continue;
            }
            case 'b': {
                const StackValue state = pop();
                if (stack.empty()) throw fail(at, "malformed pickle (BUILD without an object)");
                out.resize(state.start);
                continue;
            }
            case 's': case 'a': {
                const StackValue value = pop();
                const StackValue key = code == 's' ? pop() : value;
                if (stack.empty()) throw fail(at, "malformed pickle (item without a container)");
                out.insert(out.begin() + static_cast<std::ptrdiff_t>(key.start), '(');
                out += code == 's' ? 'u' : 'e';
                continue;
            }
            case '(':
                out.append(whole);
                marks.push_back(stack.size());
                continue;
            case 't': case 'l': case 'd': case 'e': case 'u': case '1': {
                if (marks.empty()) throw fail(at, "malformed pickle (no MARK)");
                const size_t mark = marks.back();
                marks.pop_back();
                const size_t containerStart = mark < stack.size() ? stack[mark].start : start;
                stack.resize(mark);
                out.append(whole);
                if (code == 't' || code == 'l' || code == 'd') stack.push_back({containerStart, ValueKind::Other});
                continue;
            }
            case 'i': case 'o': case 'P': case 0x81: case 0x82: case 0x83: case 0x84: case 0x92: case 0x93:
                throw fail(at, "builds a Python object (opcode " + std::to_string(code) + ")");
            default:
                break;
        }
        size_t pops = 0, pushes = 0;
        fixedEffect(code, pops, pushes);
        size_t first = start;
        for (size_t i = 0; i < pops; ++i) first = pop().start;
        out.append(whole);
        if (pushes) stack.push_back({pops ? first : start, ValueKind::Other});
        if (code == '.') return out;
    }
    throw Error(path, "data.pkl: no STOP opcode (truncated)");
}

std::string firstLine(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

c10::IValue unpickleArchive(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
    std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
    try {
        reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
    } catch (const c10::Error& e) {
        throw Error(path, "not a torch.save() zip archive (files from PyTorch < 1.6 are not read): " + firstLine(e.msg()));
    }
    try {
        if (!reader->hasRecord("data.pkl")) throw Error(path, "no data.pkl in the archive: not a torch.save() file");
        auto [data, size] = reader->getRecord("data.pkl");
        const std::string pickle =
            rewritePickle(std::string(static_cast<const char*>(data.get()), size), path);
        size_t offset = 0;
        const auto read = [&](char* buffer, size_t wanted) {
            const size_t n = std::min(wanted, pickle.size() - offset);
            std::memcpy(buffer, pickle.data() + offset, n);
            offset += n;
            return n;
        };
        const auto readRecord = [&](const std::string& key) {
            const std::string name = "data/" + key;
            if (!reader->hasRecord(name)) throw Error(path, "the archive lacks the tensor data '" + name + "'");
            return std::get<0>(reader->getRecord(name));
        };
        torch::jit::Unpickler unpickler(read, nullptr, nullptr, readRecord, c10::Device(c10::kCPU));
        return unpickler.parse_ivalue();
    } catch (const c10::Error& e) {
        throw Error(path, "cannot read the pickled state dict: " + firstLine(e.msg()));
    }
}

}  // namespace

std::vector<std::pair<std::string, at::Tensor>> readTorchPickleTensors(const std::string& path) {
    c10::IValue value = unpickleArchive(path);
    if (!value.isGenericDict()) throw Error(path, "holds a " + value.tagKind() + ", not a state dict");
    c10::impl::GenericDict dict = value.toGenericDict();
    // Training checkpoints keep the weights under "state_dict", next to optimizer state.
    const auto nested = dict.find(c10::IValue(std::string("state_dict")));
    if (nested != dict.end() && nested->value().isGenericDict()) dict = nested->value().toGenericDict();
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    tensors.reserve(dict.size());
    for (const auto& entry : dict) {
        if (!entry.key().isString()) throw Error(path, "a state dict key is a " + entry.key().tagKind() + ", not a name");
        const std::string& name = entry.key().toStringRef();
        if (!entry.value().isTensor())
            throw Error(path, "'" + name + "' is a " + entry.value().tagKind() + ", not a tensor");
        tensors.emplace_back(name, entry.value().toTensor().detach());
    }
    if (tensors.empty()) throw Error(path, "the state dict holds no tensors");
    return tensors;
}

size_t convertTorchPickleToSafetensors(const std::string& picklePath, const std::string& safetensorsPath) {
    const auto tensors = readTorchPickleTensors(picklePath);
    // transformers refuses safetensors files whose metadata lacks format=pt.
    writeSafetensors(safetensorsPath, tensors, {{"format", "pt"}});
    return tensors.size();
}

}  // namespace cosmoclip
