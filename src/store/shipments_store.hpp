// Shipments: create (one statement), get (one statement), keyset list, buy (atomic), and the
// simulated carrier's in-flight list.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// Every function here throws what pg::Pool::acquire and pg::Connection::execute throw
/// (pg::PoolError subtypes, pg::ConnectionError, pg::ServerError subtypes by SQLSTATE), and
/// pg::ResultError if a stored value cannot be decoded. Ids must be UUID text (callers
/// validate; a malformed one is pg::DataException); times RFC 3339.

/// Stores `shipment` (both addresses, the parcel when present, reference, status, rates,
/// easypost_id; ids are UUID v7 made by shipd, times the database's) in ONE statement and
/// returns it as stored. A value the schema refuses (a length over the column's, weight <= 0,
/// a country that is not two capitals) throws pg::DataException /
/// pg::IntegrityConstraintViolation, and nothing is stored.
boost::asio::awaitable<domain::Shipment> create_shipment(pg::Pool& pool,
                                                         const domain::Shipment& shipment);

/// create_shipment for several shipments in ONE statement (one transaction, one commit):
/// returns them as stored, in the order given. All or nothing: a value the schema refuses in
/// any of them throws as create_shipment does and stores none of them (CreateBatcher then
/// retries each alone). Empty in, empty out, no statement.
boost::asio::awaitable<std::vector<domain::Shipment>> create_shipments(
    pg::Pool& pool, const std::vector<const domain::Shipment*>& shipments);

/// The shipment with both addresses and its parcel, in one statement; nullopt when none.
boost::asio::awaitable<std::optional<domain::Shipment>> get_shipment(pg::Pool& pool,
                                                                     const std::string& id);

/// One answer of get_shipments: the shipment, nullopt when there is none, or the error its
/// row alone raised (a stored value the decoder refuses; pg::ResultError).
struct ShipmentLookup {
    std::optional<domain::Shipment> shipment;
    std::exception_ptr error;
};
/// get_shipment for several ids in ONE statement (store/get_batcher.hpp): element i answers
/// ids[i], which must be canonical UUID text (lower case, as api::require_uuid makes it);
/// repeated ids each get the row. Throws as get_shipment does for what fails the statement
/// (the pool, the connection, a timeout).
boost::asio::awaitable<std::vector<ShipmentLookup>> get_shipments(pg::Pool& pool,
                                                                  const std::vector<std::string>& ids);

/// GET /v1/shipments' query. Unset fields do not filter; set ones combine with AND.
struct ListFilter {
    std::size_t page_size = 20;               ///< 1..100 (the caller validates)
    std::optional<std::string> before_id;     ///< older than this shipment (next page)
    std::optional<std::string> after_id;      ///< newer than this shipment (previous page)
    std::optional<domain::Status> status;
    std::optional<std::string> carrier;
    std::optional<std::string> tracking_code;
    std::optional<std::string> reference;
    std::optional<std::string> start;         ///< created_at >= start (RFC 3339)
    std::optional<std::string> end;           ///< created_at <  end (RFC 3339)
};

struct ShipmentPage {
    std::vector<domain::Shipment> shipments;  ///< newest first, in both directions
    /// More rows past this page in the direction asked (older for before_id or no cursor,
    /// newer for after_id).
    bool has_more = false;
};

/// A keyset page ordered by (created_at DESC, id DESC): before_id pages towards older,
/// after_id towards newer (both given: before_id wins). A cursor id that does not exist
/// yields an empty page. One statement; uses revision 3's (status|carrier, created_at, id)
/// indexes, the tracking_code and reference indexes.
boost::asio::awaitable<ShipmentPage> list_shipments(pg::Pool& pool, const ListFilter& filter);

/// What the carrier sold.
struct Purchase {
    domain::Rate rate;  ///< becomes selected_rate, carrier, service, rate_amount/currency
    std::string tracking_code;
    std::optional<std::string> label_url;
    std::optional<std::string> easypost_id;  ///< kept when unset
    std::optional<std::string> message;      ///< of the pre_transit event
};

enum class BuyOutcome { kBought, kNotFound, kAlreadyPurchased };

struct BuyResult {
    BuyOutcome outcome = BuyOutcome::kNotFound;
    /// kBought: the shipment after the purchase; kAlreadyPurchased: as it stands.
    std::optional<domain::Shipment> shipment;
};

/// Buys: one conditional statement (UPDATE ... WHERE selected_rate IS NULL, with one
/// pre_transit event, source "carrier", occurred now) sets the purchase and, through the
/// events trigger, status pre_transit; concurrent buys of one shipment: exactly one
/// kBought. Pipelined with the read of the result: one round trip.
boost::asio::awaitable<BuyResult> buy(pg::Pool& pool, const std::string& id,
                                      const Purchase& purchase);

/// A shipment the simulated carrier still moves.
struct InFlight {
    std::string shipment_id;
    std::string tracking_code;
    std::optional<std::string> carrier;
    std::optional<std::string> service;
    domain::Status status = domain::Status::kUnknown;
    std::optional<std::string> latest_event_at;  ///< RFC 3339
    std::string purchased_at;                    ///< RFC 3339
};

/// Bought shipments without an easypost_id (so not bought through EasyPost) whose status is
/// pre_transit, in_transit, out_for_delivery or available_for_pickup, least recently moved
/// first, at most `limit`.
boost::asio::awaitable<std::vector<InFlight>> list_simulated_in_flight(pg::Pool& pool,
                                                                       std::size_t limit);

}  // namespace shipd::store
