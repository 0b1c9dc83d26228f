// SQL statement splitter aware of quotes, comments and dollar quoting.
#include "migrate/detail/sql_split.hpp"

#include <algorithm>
#include <cctype>

namespace shipd::migrate::detail {

namespace {

bool is_tag_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
           (static_cast<unsigned char>(c) & 0x80) != 0;
}

// At sql[i] == '$': the length of a dollar-quote opener ($$ or $tag$), or 0 when it is not one
// (a $1 parameter or a $ inside an identifier).
std::size_t dollar_tag_length(std::string_view sql, std::size_t i) {
    std::size_t j = i + 1;
    if (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) return 0;
    while (j < sql.size() && is_tag_char(sql[j])) ++j;
    if (j < sql.size() && sql[j] == '$') return j - i + 1;
    return 0;
}

}  // namespace

std::size_t first_token_offset(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        if (std::isspace(static_cast<unsigned char>(s[i]))) {
            ++i;
        } else if (s.substr(i, 2) == "--") {
            while (i < s.size() && s[i] != '\n') ++i;
        } else if (s.substr(i, 2) == "/*") {
            auto end = s.find("*/", i + 2);
            i = end == std::string_view::npos ? s.size() : end + 2;
        } else {
            return i;
        }
    }
    return s.size();
}

std::vector<SqlStatement> split_sql(std::string_view sql) {
    std::vector<SqlStatement> out;
    std::size_t start = 0;
    std::size_t i = 0;
    auto flush = [&](std::size_t end) {
        std::string_view piece = sql.substr(start, end - start);
        if (first_token_offset(piece) < piece.size()) out.push_back({std::string(piece), start});
    };
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
            (i == 1 || !is_tag_char(sql[i - 2]))) {
            // E'...': a backslash escapes the next character, \' included.
            ++i;
            while (i < sql.size() && sql[i] != '\'') i += sql[i] == '\\' ? 2 : 1;
            i = std::min(i + 1, sql.size());
        } else if (c == '\'' || c == '"') {
            // A doubled quote inside is an escaped quote: the loop simply reopens.
            auto end = sql.find(c, i + 1);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (c == '-' && sql.substr(i, 2) == "--") {
            while (i < sql.size() && sql[i] != '\n') ++i;
        } else if (c == '/' && sql.substr(i, 2) == "/*") {
            int depth = 1;
            i += 2;
            while (i < sql.size() && depth > 0) {
                if (sql.substr(i, 2) == "/*") {
                    ++depth;
                    i += 2;
                } else if (sql.substr(i, 2) == "*/") {
                    --depth;
                    i += 2;
                } else {
                    ++i;
                }
            }
        } else if (c == '$' && (i == 0 || !is_tag_char(sql[i - 1]))) {
            if (std::size_t n = dollar_tag_length(sql, i); n > 0) {
                std::string_view tag = sql.substr(i, n);
                auto end = sql.find(tag, i + n);
                i = end == std::string_view::npos ? sql.size() : end + n;
            } else {
                ++i;
            }
        } else if (c == ';') {
            flush(i);
            start = ++i;
        } else {
            ++i;
        }
    }
    flush(sql.size());
    return out;
}

int line_of(std::string_view text, std::size_t offset) {
    int line = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') ++line;
    }
    return line;
}

std::size_t byte_offset_of_char(std::string_view text, int position) {
    int chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        // Count UTF-8 lead bytes only (continuation bytes are 10xxxxxx).
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (++chars == position) return i;
        }
    }
    return text.size();
}

}  // namespace shipd::migrate::detail
