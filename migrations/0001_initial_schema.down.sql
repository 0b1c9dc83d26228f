-- Revision 1 down: drops everything revision 1 created, in dependency order.
DROP TABLE shipment_events;
DROP TABLE shipments;
DROP TABLE parcels;
DROP TABLE addresses;
DROP FUNCTION shipd_set_updated_at();
