-- Revision 4: a shipment may have no parcel (the seed's 41963d524981).
ALTER TABLE shipments ALTER COLUMN parcel_id DROP NOT NULL;
