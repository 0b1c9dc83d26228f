// wait_tally: a per-thread table of tallies, reused through a free list.
#include "pg/wait_tally.hpp"

#include <vector>

namespace shipd::pg::wait_tally {

namespace {

struct Slot {
    std::uint32_t generation = 0;  // odd while open
    std::chrono::microseconds waited{0};
};

struct Table {
    std::vector<Slot> slots;
    std::vector<std::uint32_t> free;
    Token armed = 0;
};

thread_local Table t_table;

Slot* find(Token token) noexcept {
    auto index = static_cast<std::uint32_t>(token >> 32);
    auto generation = static_cast<std::uint32_t>(token);
    if (token == 0 || index >= t_table.slots.size()) return nullptr;
    Slot& s = t_table.slots[index];
    return s.generation == generation ? &s : nullptr;
}

}  // namespace

Token open() {
    std::uint32_t index;
    if (!t_table.free.empty()) {
        index = t_table.free.back();
        t_table.free.pop_back();
    } else {
        index = static_cast<std::uint32_t>(t_table.slots.size());
        t_table.slots.emplace_back();
        t_table.free.reserve(t_table.slots.size());  // so close() never allocates
    }
    Slot& s = t_table.slots[index];
    ++s.generation;  // even (closed) → odd (open): never 0, so no token is 0
    s.waited = {};
    return (static_cast<Token>(index) << 32) | s.generation;
}

std::chrono::microseconds close(Token token) noexcept {
    if (t_table.armed == token) t_table.armed = 0;
    Slot* s = find(token);
    if (!s) return {};
    auto waited = s->waited;
    ++s->generation;
    t_table.free.push_back(static_cast<std::uint32_t>(token >> 32));
    return waited;
}

void arm(Token token) noexcept { t_table.armed = token; }

Scope::Scope(std::chrono::steady_clock::time_point start) noexcept : token_(t_table.armed), start_(start) {
    t_table.armed = 0;
}

Scope::~Scope() {
    if (Slot* s = find(token_)) {
        s->waited += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_);
    }
}

}  // namespace shipd::pg::wait_tally
