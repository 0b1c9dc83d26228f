// StatementCache: the per-connection LRU of prepared statement names, keyed by SQL text.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace shipd::pg::detail {

class StatementCache {
public:
    explicit StatementCache(std::size_t capacity) : capacity_(capacity) {}

    std::size_t capacity() const noexcept { return capacity_; }
    std::size_t size() const noexcept { return map_.size(); }

    /// The statement's name when cached (and marks it most recently used).
    std::optional<std::string_view> find(std::string_view sql);

    /// Adds sql under a new name and returns it; the least recently used entry is evicted
    /// when full, its name appended to evicted() (to DEALLOCATE on the server).
    std::string_view insert(std::string_view sql);

    /// Forgets sql (a failed PREPARE, or 26000 / 0A000 from the server); `deallocate` queues
    /// its name for DEALLOCATE when the server still has it.
    void erase(std::string_view sql, bool deallocate = false);

    /// Forgets everything (the server's statements are gone: new session).
    void clear();

    /// Names evicted and not yet deallocated on the server.
    std::vector<std::string>& evicted() noexcept { return evicted_; }

private:
    struct Entry {
        std::string sql;
        std::string name;
    };
    std::size_t capacity_;
    std::uint64_t next_id_ = 0;
    std::list<Entry> lru_;  // front: most recently used
    std::unordered_map<std::string_view, std::list<Entry>::iterator> map_;
    std::vector<std::string> evicted_;
};

}  // namespace shipd::pg::detail
