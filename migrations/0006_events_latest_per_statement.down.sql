-- Revision 6 down: back to the per-row trigger of revision 2 (its function is still there).
DROP TRIGGER shipment_events_track_latest ON shipment_events;

CREATE TRIGGER shipment_events_track_latest AFTER INSERT ON shipment_events
    FOR EACH ROW EXECUTE FUNCTION shipd_track_latest_event();

DROP FUNCTION shipd_track_latest_events();
