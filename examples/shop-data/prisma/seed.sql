-- Rows the shop starts with (run once, when the Product table is empty). Plain SQL that
-- SQLite and PostgreSQL both accept; ids are assigned in this order: 1, 2, ...
INSERT INTO "Category" ("slug", "name") VALUES
  ('kitchen', 'Kitchen'),
  ('garden', 'Garden'),
  ('office', 'Office'),
  ('outdoor', 'Outdoor');

INSERT INTO "Product" ("sku", "name", "description", "price", "stock", "sold", "categoryId") VALUES
  ('KIT-001', 'Cast-iron skillet', 'A 26 cm skillet that lasts a lifetime.', 34.90, 42, 310, (SELECT "id" FROM "Category" WHERE "slug" = 'kitchen')),
  ('KIT-002', 'Chef knife', '20 cm stainless steel, full tang.', 59.00, 18, 205, (SELECT "id" FROM "Category" WHERE "slug" = 'kitchen')),
  ('KIT-003', 'Cutting board', 'End-grain oak, 40 x 30 cm.', 45.50, 25, 120, (SELECT "id" FROM "Category" WHERE "slug" = 'kitchen')),
  ('KIT-004', 'Espresso pot', 'Six cups, aluminium, stovetop.', 27.99, 60, 415, (SELECT "id" FROM "Category" WHERE "slug" = 'kitchen')),
  ('KIT-005', 'Salad spinner', 'Pump action, 5 litres.', 19.95, 33, 88, (SELECT "id" FROM "Category" WHERE "slug" = 'kitchen')),
  ('KIT-006', 'Kitchen scale', '1 g precision up to 5 kg.', 22.00, 40, 150, (SELECT "id" FROM "Category" WHERE "slug" = 'kitchen')),
  ('GAR-001', 'Pruning shears', 'Bypass blades for live wood.', 24.90, 51, 260, (SELECT "id" FROM "Category" WHERE "slug" = 'garden')),
  ('GAR-002', 'Watering can', '10 litres, galvanised steel.', 32.00, 14, 75, (SELECT "id" FROM "Category" WHERE "slug" = 'garden')),
  ('GAR-003', 'Garden hose', '25 m, kink-free.', 39.90, 22, 140, (SELECT "id" FROM "Category" WHERE "slug" = 'garden')),
  ('GAR-004', 'Seed starter kit', '24 cells with a humidity dome.', 14.50, 70, 330, (SELECT "id" FROM "Category" WHERE "slug" = 'garden')),
  ('GAR-005', 'Leaf rake', 'Adjustable width, 22 tines.', 18.75, 35, 95, (SELECT "id" FROM "Category" WHERE "slug" = 'garden')),
  ('GAR-006', 'Compost bin', '300 litres, recycled plastic.', 69.00, 9, 40, (SELECT "id" FROM "Category" WHERE "slug" = 'garden')),
  ('OFF-001', 'Desk lamp', 'Dimmable LED, 5 colour temperatures.', 49.00, 28, 190, (SELECT "id" FROM "Category" WHERE "slug" = 'office')),
  ('OFF-002', 'Notebook', 'A5, dotted, 192 pages.', 12.90, 120, 620, (SELECT "id" FROM "Category" WHERE "slug" = 'office')),
  ('OFF-003', 'Fountain pen', 'Steel nib, medium.', 29.00, 45, 230, (SELECT "id" FROM "Category" WHERE "slug" = 'office')),
  ('OFF-004', 'Monitor stand', 'Bamboo, with a drawer.', 39.00, 17, 110, (SELECT "id" FROM "Category" WHERE "slug" = 'office')),
  ('OFF-005', 'Desk organiser', 'Five compartments, felt.', 16.50, 64, 170, (SELECT "id" FROM "Category" WHERE "slug" = 'office')),
  ('OFF-006', 'Ergonomic mouse', 'Vertical, wireless.', 44.90, 31, 260, (SELECT "id" FROM "Category" WHERE "slug" = 'office')),
  ('OUT-001', 'Camping lantern', 'Rechargeable, 500 lumen.', 36.00, 26, 180, (SELECT "id" FROM "Category" WHERE "slug" = 'outdoor')),
  ('OUT-002', 'Water bottle', 'Insulated, 750 ml.', 24.00, 90, 540, (SELECT "id" FROM "Category" WHERE "slug" = 'outdoor')),
  ('OUT-003', 'Trekking poles', 'Carbon, pair, foldable.', 79.00, 12, 65, (SELECT "id" FROM "Category" WHERE "slug" = 'outdoor')),
  ('OUT-004', 'Hammock', 'Parachute nylon, with straps.', 42.00, 19, 130, (SELECT "id" FROM "Category" WHERE "slug" = 'outdoor')),
  ('OUT-005', 'Headlamp', '350 lumen, red light mode.', 27.50, 48, 300, (SELECT "id" FROM "Category" WHERE "slug" = 'outdoor')),
  ('OUT-006', 'Picnic blanket', 'Waterproof backing, 200 x 150 cm.', 31.00, 37, 105, (SELECT "id" FROM "Category" WHERE "slug" = 'outdoor'));
