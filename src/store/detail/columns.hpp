// SQL fragments shared by the stores' named queries: select lists in the order the decoders
// of detail/codec.hpp read them. Macros so they join string literals at compile time.
#pragma once

/// A timestamptz as RFC 3339 UTC text with microseconds ("2026-11-28T09:03:13.188123Z"), made
/// by the database: for cold statements. The hot select lists below send the timestamptz
/// itself and their decoders rewrite its text (detail/codec.hpp decode_timestamp,
/// detail/timestamp.hpp): one to_char() a timestamp was a large share of PostgreSQL's CPU per
/// row (issue 7; docs/DESIGN.md "Hot SQL").
#define SHIPD_UTC(x) "to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/// 14 columns of an address aliased `a` (decode_address).
#define SHIPD_ADDRESS_COLUMNS(a)                                                              \
    a ".id, " a ".name, " a ".company, " a ".street1, " a ".street2, " a ".city, " a        \
      ".state, " a ".zip, " a ".country, " a ".phone, " a ".email, " a ".residential, " a  \
        ".created_at, " a ".updated_at"

/// 6 columns of a parcel aliased `p` (decode_parcel; p.id NULL = no parcel).
#define SHIPD_PARCEL_COLUMNS(p) \
    p ".id, " p ".length, " p ".width, " p ".height, " p ".weight, " p ".predefined_package"

/// 46 columns of a shipment `s` with its addresses `fa`, `ta` and parcel `p` (decode_shipment).
#define SHIPD_SHIPMENT_COLUMNS                                                               \
    "s.id, s.reference, s.status, s.rates::text, s.selected_rate::text, s.carrier, "        \
    "s.service, s.tracking_code, s.label_url, s.easypost_id, s.created_at, s.updated_at, "   \
        SHIPD_ADDRESS_COLUMNS("fa") ", "                                                   \
        SHIPD_ADDRESS_COLUMNS("ta") ", " SHIPD_PARCEL_COLUMNS("p")

/// 11 columns of a tracking event aliased `e` (decode_event; e.id NULL = no event).
#define SHIPD_EVENT_COLUMNS(e)                                                                \
    e ".id, " e ".shipment_id, " e ".status, " e ".status_detail, " e ".message, " e           \
        ".occurred_at, " e ".city, " e ".state, " e ".zip, " e ".country, " e ".source"

/// 11 columns of the latest event copied onto a shipment aliased `s` (migration 0007), in
/// SHIPD_EVENT_COLUMNS' order (decode_event; NULL id = no event).
#define SHIPD_LATEST_EVENT_COLUMNS(s)                                                         \
    s ".latest_event_id, " s ".id, " s ".latest_event_status, " s                              \
      ".latest_event_status_detail, " s ".latest_event_message, " s ".latest_event_at, " s   \
        ".latest_event_city, " s ".latest_event_state, " s ".latest_event_zip, " s             \
          ".latest_event_country, " s ".latest_event_source"

/// Shipment `s` joined to its addresses and parcel (after FROM <something> s).
#define SHIPD_SHIPMENT_JOINS                                  \
    " JOIN addresses fa ON fa.id = s.from_address_id"         \
    " JOIN addresses ta ON ta.id = s.to_address_id"           \
    " LEFT JOIN parcels p ON p.id = s.parcel_id"
