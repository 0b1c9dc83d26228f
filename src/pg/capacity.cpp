// Capacity arithmetic.
#include "pg/capacity.hpp"

#include <algorithm>
#include <cstdio>

namespace shipd::pg::capacity {

namespace {

std::string plural(std::int64_t n, const char* word) {
    std::string out = std::to_string(n);
    out += ' ';
    out += word;
    if (n != 1) out += 's';
    return out;
}

std::string percent(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", value);
    return buf;
}

struct Row {
    std::string label;
    std::string number;  // empty: a rule
    std::string note;
};

}  // namespace

std::int64_t Plan::per_loop() const {
    std::int64_t n = 0;
    for (const auto& p : pools) n += static_cast<std::int64_t>(p.max());
    return n;
}

Budget assess(const Plan& plan, const ServerFigures& server) {
    Budget b;
    b.available = server.max_connections - server.reserved - server.others;
    b.planned = plan.total();
    b.margin = b.available - b.planned;
    b.margin_percent = b.available > 0 ? 100.0 * static_cast<double>(b.margin) / static_cast<double>(b.available) : -100.0;
    if (b.margin < 0) {
        b.verdict = Verdict::kExceeds;
    } else if (b.margin_percent < kMinMarginPercent) {
        b.verdict = Verdict::kLowMargin;
    } else {
        b.verdict = Verdict::kOk;
    }
    return b;
}

const char* verdict_name(Verdict verdict) {
    switch (verdict) {
        case Verdict::kOk: return "ok";
        case Verdict::kLowMargin: return "warn";
        case Verdict::kExceeds: return "exceeds";
    }
    return "ok";
}

Fit fit(const Plan& plan, const ServerFigures& server) {
    Fit f;
    f.plan = plan;
    Budget b = assess(plan, server);
    // The target keeps the warning's margin free: after enforcing, the verdict is ok.
    const auto percent_kept = static_cast<std::int64_t>(kMinMarginPercent);
    std::int64_t available = std::max<std::int64_t>(b.available, 0);
    std::int64_t target = available - (available * percent_kept + 99) / 100 -
                          static_cast<std::int64_t>(plan.sessions) * std::max(1, plan.instances);
    std::int64_t units = static_cast<std::int64_t>(std::max(1, plan.loops)) * std::max(1, plan.instances);
    f.loop_budget = target / units;
    if (plan.per_loop() <= f.loop_budget) return f;  // fits as configured
    auto npools = static_cast<std::int64_t>(plan.pools.size());
    f.fits = f.loop_budget >= npools;
    std::int64_t left = f.loop_budget;
    for (std::size_t i = 0; i < f.plan.pools.size(); ++i) {
        PoolPlan& p = f.plan.pools[i];
        const PoolPlan before = p;
        std::int64_t later = npools - static_cast<std::int64_t>(i) - 1;  // one each, at least
        std::int64_t give = std::max<std::int64_t>(1, std::min<std::int64_t>(static_cast<std::int64_t>(p.max()), left - later));
        auto max = static_cast<std::size_t>(give);
        p.size = std::min(p.size, max);
        p.max_overflow = max - p.size;
        left -= give;
        if (p.max() != before.max()) {
            f.changed = true;
            f.changes.push_back(p.name + " " + std::to_string(before.max()) + " → " + std::to_string(p.max()) + " a loop (size " +
                                std::to_string(before.size) + " → " + std::to_string(p.size) + ", overflow " +
                                std::to_string(before.max_overflow) + " → " + std::to_string(p.max_overflow) + ")");
        }
    }
    return f;
}

std::vector<std::string> table(const Plan& plan, const ServerFigures& server) {
    Budget b = assess(plan, server);
    const std::string per = " a loop × " + plural(plan.loops, "loop") + " × " + plural(plan.instances, "instance");
    std::vector<Row> rows;
    for (const auto& p : plan.pools) {
        std::string how = p.max_overflow > 0 ? "(" + std::to_string(p.size) + " + " + std::to_string(p.max_overflow) + " overflow)"
                                             : std::to_string(p.size);
        rows.push_back({"pool " + p.name, std::to_string(static_cast<std::int64_t>(p.max()) * plan.loops * plan.instances), how + per});
    }
    if (plan.sessions > 0) {
        rows.push_back({"leader election", std::to_string(static_cast<std::int64_t>(plan.sessions) * plan.instances),
                        "one session a process × " + plural(plan.instances, "instance")});
    }
    rows.push_back({"", "", ""});
    rows.push_back({"shipd at most", std::to_string(b.planned), ""});
    rows.push_back({"max_connections", std::to_string(server.max_connections), ""});
    auto minus = [](std::int64_t n) { return n > 0 ? "-" + std::to_string(n) : std::to_string(n); };
    rows.push_back({"reserved for superusers", minus(server.reserved), "superuser_reserved_connections"});
    rows.push_back({"others connected now", minus(server.others), "sessions not from shipd's pools"});
    rows.push_back({"available to shipd", std::to_string(b.available), ""});
    rows.push_back({"", "", ""});
    rows.push_back({"margin", std::to_string(b.margin),
                    percent(b.margin_percent) + " of available (warn below " + percent(kMinMarginPercent) + ")"});

    std::size_t label_w = 0;
    std::size_t number_w = 0;
    for (const auto& r : rows) {
        label_w = std::max(label_w, r.label.size());
        number_w = std::max(number_w, r.number.size());
    }
    std::vector<std::string> out;
    for (const auto& r : rows) {
        if (r.label.empty()) {
            std::string rule;
            for (std::size_t i = 0; i < label_w + 2 + number_w; ++i) rule += "─";
            out.push_back(std::move(rule));
            continue;
        }
        std::string line = r.label;
        line.append(label_w + 2 - r.label.size(), ' ');
        line.append(number_w - r.number.size(), ' ');
        line += r.number;
        if (!r.note.empty()) {
            line += "   ";
            line += r.note;
        }
        out.push_back(std::move(line));
    }
    return out;
}

std::string verdict_line(const Plan& plan, const ServerFigures& server) {
    Budget b = assess(plan, server);
    std::string figures = "shipd may open " + std::to_string(b.planned) + " of the " + std::to_string(b.available) +
                          " connections available (max_connections " + std::to_string(server.max_connections) + " - " +
                          std::to_string(server.reserved) + " reserved - " + std::to_string(server.others) + " others)";
    switch (b.verdict) {
        case Verdict::kOk:
            return "ok: " + figures + ", margin " + percent(b.margin_percent);
        case Verdict::kLowMargin:
            return "WARN: " + figures + ", margin " + percent(b.margin_percent) + " is below " + percent(kMinMarginPercent) +
                   ": monitoring, backups and connection churn need headroom; lower the pools or raise max_connections";
        case Verdict::kExceeds:
            return "FAIL: " + figures + ": " + std::to_string(-b.margin) +
                   " too many; under load requests would fail with 'too many clients'. Lower the pools, raise "
                   "max_connections, or let shipd shrink its pools at start (SHIPD_CAPACITY_POLICY=enforce)";
    }
    return figures;
}

PoolPlan pool_plan(const PoolSettings& settings) { return {settings.name, settings.size, settings.max_overflow}; }

void apply(const PoolPlan& plan, PoolSettings& settings) {
    settings.size = plan.size;
    settings.max_overflow = plan.max_overflow;
    settings.min_size = std::min(settings.min_size, plan.size);
}

}  // namespace shipd::pg::capacity
