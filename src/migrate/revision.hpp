// Revision: one numbered schema change (an up and a down SQL file), and the binary's own set.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace shipd::migrate {

/// First-line marker of a revision file that must run outside a transaction (CREATE INDEX
/// CONCURRENTLY): its statements run one by one, each committed on its own.
inline constexpr std::string_view kNoTransactionMarker = "-- shipd:no-transaction";

struct Revision {
    /// 1, 2, ...: the NNNN of NNNN_name.up.sql.
    int version = 0;
    /// The name part: "initial_schema".
    std::string name;
    std::string up;
    std::string down;
    /// False when the up file starts with kNoTransactionMarker.
    bool transactional = true;
    /// False when the down file starts with kNoTransactionMarker.
    bool down_transactional = true;
    /// Lower-case hex SHA-256 of the up file's exact bytes (no newline or whitespace
    /// normalisation): an applied revision whose up file changed by one byte is drift.
    std::string checksum;

    /// "0001_initial_schema".
    std::string label() const;
    /// "migrations/0001_initial_schema.up.sql".
    std::string up_file() const;
    /// "migrations/0001_initial_schema.down.sql".
    std::string down_file() const;
};

/// Builds a revision from its parts: reads the markers and computes the checksum.
Revision make_revision(int version, std::string name, std::string up, std::string down);

/// The revisions compiled into this binary from migrations/*.sql, ordered by version.
/// Throws std::logic_error when the embedded files are inconsistent (an up without a down,
/// a repeated version): a build defect, caught by the unit tests.
const std::vector<Revision>& embedded_revisions();

/// Checks a revision list: versions strictly increasing from 1 upwards, names non-empty.
/// Throws std::invalid_argument naming the offending revision.
void validate_revisions(const std::vector<Revision>& revisions);

/// Lower-case hex SHA-256 of `data` (OpenSSL).
std::string sha256_hex(std::string_view data);

}  // namespace shipd::migrate
