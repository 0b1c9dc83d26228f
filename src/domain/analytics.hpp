// The answers of GET /v1/analytics/* and POST /v1/admin/analytics/refresh: rows of the
// analytics views and their JSON writers (straight into the response buffer, no DOM).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "domain/types.hpp"

namespace shipd::domain {

/// Shipments created on one UTC day with one carrier ("unassigned" before purchase) and status.
struct DailyVolumeRow {
    std::string date;  ///< "YYYY-MM-DD"
    std::string carrier;
    std::string status;
    std::int64_t shipments = 0;
};

/// One carrier and service: shipments bought, delivered, transit days of the delivered ones.
struct CarrierPerformanceRow {
    std::string carrier;
    std::string service;
    std::int64_t shipments = 0;
    std::int64_t delivered = 0;
    std::optional<double> mean_transit_days;  ///< null when none has a transit time yet
    std::optional<double> p90_transit_days;
};

/// What one carrier and service cost in one currency; money as decimal strings.
struct CostRow {
    std::string carrier;
    std::string service;
    std::string currency;
    std::int64_t count = 0;
    std::string total;      ///< "1234.50"
    std::string mean_rate;  ///< "7.58"
};

/// When one view was last refreshed and how long that took.
struct ViewRefresh {
    std::string view;       ///< "analytics_daily_volume", ...
    Timestamp refreshed_at;  ///< RFC 3339 UTC
    std::int64_t duration_ms = 0;
};

/// One refresh of every analytics view.
struct AnalyticsRefresh {
    Timestamp refreshed_at;  ///< when the first view's refresh started
    std::int64_t duration_ms = 0;
    std::vector<ViewRefresh> views;
};

/// {"refreshed_at","start_date","end_date","carrier","daily_volume":[{"date","carrier","status",
/// "shipments"}]}; an empty refreshed_at or carrier is written as null.
void write_daily_volume(std::string& out, const Timestamp& refreshed_at, const std::string& start_date,
                        const std::string& end_date, const std::optional<std::string>& carrier,
                        std::span<const DailyVolumeRow> rows);
/// {"refreshed_at","carrier_performance":[{"carrier","service","shipments","delivered",
/// "mean_transit_days","p90_transit_days"}]}.
void write_carrier_performance(std::string& out, const Timestamp& refreshed_at,
                               std::span<const CarrierPerformanceRow> rows);
/// {"refreshed_at","costs":[{"carrier","service","currency","count","total","mean_rate"}]}.
void write_costs(std::string& out, const Timestamp& refreshed_at, std::span<const CostRow> rows);
/// {"refreshed_at","duration_ms","views":[{"view","refreshed_at","duration_ms"}]}.
void write_analytics_refresh(std::string& out, const AnalyticsRefresh& refresh);

}  // namespace shipd::domain
