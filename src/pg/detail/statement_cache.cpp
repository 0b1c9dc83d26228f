// StatementCache: LRU of prepared statements.
#include "pg/detail/statement_cache.hpp"

namespace shipd::pg::detail {

std::optional<std::string_view> StatementCache::find(std::string_view sql) {
    auto it = map_.find(sql);
    if (it == map_.end()) return std::nullopt;
    lru_.splice(lru_.begin(), lru_, it->second);
    return std::string_view(it->second->name);
}

std::string_view StatementCache::insert(std::string_view sql) {
    if (auto found = find(sql)) return *found;
    if (capacity_ > 0 && map_.size() >= capacity_) {
        auto& victim = lru_.back();
        map_.erase(victim.sql);
        evicted_.push_back(std::move(victim.name));
        lru_.pop_back();
    }
    lru_.push_front(Entry{std::string(sql), "shipd_" + std::to_string(++next_id_)});
    map_.emplace(lru_.front().sql, lru_.begin());
    return lru_.front().name;
}

void StatementCache::erase(std::string_view sql, bool deallocate) {
    auto it = map_.find(sql);
    if (it == map_.end()) return;
    auto node = it->second;
    if (deallocate) evicted_.push_back(node->name);
    map_.erase(it);
    lru_.erase(node);
}

void StatementCache::clear() {
    map_.clear();
    lru_.clear();
    evicted_.clear();
}

}  // namespace shipd::pg::detail
