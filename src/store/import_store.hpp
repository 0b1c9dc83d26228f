// Bulk inserts of shipments (NDJSON imports, demo data): COPY into each table per batch.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <span>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "pg/connection.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// Stores `shipments` (addresses, parcel when present, reference, status, rates, selected
/// rate with rate_amount/currency and purchased_at = created_at, carrier, service,
/// tracking_code, label_url, easypost_id, and created_at when set — else the transaction's
/// now()) and returns their ids in input order. The ids (UUID v7) are made by the client and
/// the rows sent with three COPY FROM STDIN (addresses, parcels, shipments) in one
/// transaction: no per-row SQL work on the server but the constraints and the indexes. When
/// the connection is already in a transaction the rows join it; otherwise the batch is its
/// own transaction. All or nothing: a value the schema refuses (a length over its column's,
/// weight <= 0, a duplicate easypost_id, a malformed time) throws pg::DataException /
/// pg::IntegrityConstraintViolation and stores none of the batch, so validate lines first
/// (or split the batch to find the bad line). Throws what pg::Connection::copy_in throws.
boost::asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Connection& connection, std::span<const domain::Shipment> shipments);

/// insert_shipments_batch on a connection of `pool` (the bulk pool); also throws what
/// pg::Pool::acquire throws.
boost::asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Pool& pool, std::span<const domain::Shipment> shipments);

/// The tables a bulk load writes: shipments with their addresses and parcels, and
/// shipment_events when `events` (demo data).
enum class BulkTables { kShipments, kShipmentsAndEvents };

/// How analyze_bulk_tables spends the database: one table after another on one connection
/// (behind a route that keeps serving: the work stays one backend's), or every table at once,
/// each on its own connection (a command that waits for it: its time is the largest table's).
enum class AnalyzeSpread { kOneConnection, kConnectionPerTable };

/// ANALYZE of the tables a bulk load wrote, so the planner sees the new rows at once instead
/// of after autovacuum's next pass (a minute of full scans for batch-track otherwise).
/// Throws what pg::Pool::acquire and pg::Connection::execute_script throw; with
/// kConnectionPerTable the first failure cancels the other tables' statements.
boost::asio::awaitable<void> analyze_bulk_tables(pg::Pool& pool, BulkTables tables, AnalyzeSpread spread);

}  // namespace shipd::store
