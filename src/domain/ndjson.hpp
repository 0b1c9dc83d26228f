// NDJSON streams (POST /v1/imports/shipments): chunks in, numbered lines out, memory bounded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shipd::domain {

/// The longest import line kept (bytes): one shipment is far smaller; a longer line is
/// reported as too long without being held in memory.
inline constexpr std::size_t kMaxImportLineBytes = 64 * 1024;

/// Splits an NDJSON body that arrives in chunks into lines numbered from 1. LF ends a line,
/// a CR before it is dropped; blank lines (spaces, tabs) are counted but not returned. Usage:
/// feed(chunk), then next() until nullopt; after the last chunk finish(), then next() again.
class NdjsonSplitter {
public:
    /// One line of the body. `text` is valid until the next feed().
    struct Line {
        std::size_t number = 0;  ///< from 1, blank lines included in the count
        std::string_view text;   ///< empty when too_long
        bool too_long = false;   ///< longer than the limit: report it, its bytes were dropped
    };

    explicit NdjsonSplitter(std::size_t max_line_bytes = kMaxImportLineBytes)
        : max_line_bytes_(max_line_bytes) {}

    /// Appends the next chunk of the body.
    void feed(std::string_view chunk);
    /// Marks the end of the body: a last line without a newline becomes available.
    void finish() { finished_ = true; }
    /// The next complete non-blank line, or nullopt until more is fed (or at the end).
    std::optional<Line> next();
    /// Lines counted so far (blank ones included).
    std::size_t lines_seen() const { return line_number_; }

private:
    std::size_t max_line_bytes_;
    std::string buffer_;     // unconsumed bytes; [start_, size) is the current line so far
    std::size_t start_ = 0;  // where the current line starts in buffer_
    std::size_t scanned_ = 0;  // bytes of the current line already searched for '\n'
    std::size_t line_number_ = 0;
    bool overflow_ = false;  // the current line passed the limit: drop until '\n'
    bool finished_ = false;
};

}  // namespace shipd::domain
