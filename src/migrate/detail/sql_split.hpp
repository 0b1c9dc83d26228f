// Splits a SQL file into statements, for revisions that run outside a transaction.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shipd::migrate::detail {

struct SqlStatement {
    /// The statement text, without its terminating semicolon.
    std::string text;
    /// Byte offset of `text` in the file.
    std::size_t offset = 0;
};

/// Splits on semicolons outside quotes ('...', "..."), comments (-- and nested /* */) and
/// dollar quotes ($$...$$, $tag$...$tag$). Statements holding only whitespace and comments
/// are dropped. PostgreSQL runs a multi-statement string as one implicit transaction, where
/// CREATE INDEX CONCURRENTLY is refused, so a non-transactional revision is sent piece by piece.
std::vector<SqlStatement> split_sql(std::string_view sql);

/// Offset of the first character of `sql` that is neither whitespace nor comment
/// (sql.size() when there is none): where a statement really starts.
std::size_t first_token_offset(std::string_view sql);

/// 1-based line of byte `offset` in `text`.
int line_of(std::string_view text, std::size_t offset);

/// Byte offset of 1-based character position `position` (as PostgreSQL reports it, counting
/// UTF-8 characters) in `text`; text.size() when past the end.
std::size_t byte_offset_of_char(std::string_view text, int position);

}  // namespace shipd::migrate::detail
