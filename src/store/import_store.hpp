// Bulk inserts of shipments (NDJSON imports, demo data): one statement per batch.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "pg/connection.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// Stores `shipments` (addresses, parcel when present, reference, status, rates, selected
/// rate with rate_amount/currency and purchased_at = created_at, carrier, service,
/// tracking_code, label_url, easypost_id, and created_at when set — else now()) in ONE
/// statement (unnest of per-column arrays into data-modifying CTEs) and returns their ids in
/// input order. All or nothing: a value the schema refuses (a length over its column's,
/// weight <= 0, a duplicate easypost_id, a malformed time) throws pg::DataException /
/// pg::IntegrityConstraintViolation and stores none of the batch, so validate lines first
/// (or retry the batch line by line to find the bad one). Throws what
/// pg::Connection::execute throws.
boost::asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Connection& connection, const std::vector<domain::Shipment>& shipments);

/// insert_shipments_batch on a connection of `pool` (the bulk pool); also throws what
/// pg::Pool::acquire throws.
boost::asio::awaitable<std::vector<std::string>> insert_shipments_batch(
    pg::Pool& pool, const std::vector<domain::Shipment>& shipments);

}  // namespace shipd::store
