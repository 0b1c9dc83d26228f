// NDJSON streams: chunks in, numbered lines out, memory bounded.
#include "domain/ndjson.hpp"

namespace shipd::domain {

namespace {

bool is_blank(std::string_view text) {
    for (char c : text) {
        if (c != ' ' && c != '\t' && c != '\r') return false;
    }
    return true;
}

}  // namespace

void NdjsonSplitter::feed(std::string_view chunk) {
    // Drop what earlier lines consumed so the buffer holds at most one line plus one chunk.
    if (start_ > 0) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    buffer_.append(chunk);
}

std::optional<NdjsonSplitter::Line> NdjsonSplitter::next() {
    while (true) {
        const std::size_t from = start_ + scanned_;
        const std::size_t newline = buffer_.find('\n', from);
        if (newline == std::string::npos) {
            scanned_ = buffer_.size() - start_;
            if (!overflow_ && scanned_ > max_line_bytes_) overflow_ = true;
            if (overflow_) {
                // Keep nothing of an over-long line but the fact that it was.
                buffer_.erase(start_);
                scanned_ = 0;
            }
            if (!finished_) return std::nullopt;
            if (buffer_.size() == start_ && !overflow_) return std::nullopt;
            // The last line, without a newline.
            Line line;
            line.number = ++line_number_;
            line.too_long = overflow_;
            std::string_view text(buffer_.data() + start_, buffer_.size() - start_);
            start_ = buffer_.size();
            scanned_ = 0;
            overflow_ = false;
            if (!line.too_long && is_blank(text)) return std::nullopt;
            if (!line.too_long) line.text = text;
            if (!text.empty() && text.back() == '\r' && !line.too_long) {
                line.text = text.substr(0, text.size() - 1);
            }
            return line;
        }
        Line line;
        line.number = ++line_number_;
        std::string_view text(buffer_.data() + start_, newline - start_);
        start_ = newline + 1;
        scanned_ = 0;
        if (overflow_ || text.size() > max_line_bytes_) {
            overflow_ = false;
            line.too_long = true;
            return line;
        }
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (is_blank(text)) continue;
        line.text = text;
        return line;
    }
}

}  // namespace shipd::domain
