-- The core's durable state. One row per order, purchase and payment; processed webhook ids; an outbox
-- of notifications; operations alerts and tech-support tickets.
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY,
    customer_email TEXT NOT NULL,
    country TEXT NOT NULL,
    spec TEXT NOT NULL,              -- the vehicle spec, as JSON
    owner TEXT NOT NULL,             -- the registered owner, as JSON
    status TEXT NOT NULL,
    factory_order_id TEXT,
    factory_sequence INTEGER NOT NULL DEFAULT 0,
    vin TEXT,
    plate TEXT,
    registration_id TEXT,
    reason TEXT,
    trace_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    factory_news_at REAL,            -- when Factory last told us anything: the silence poll reads it
    step TEXT                        -- the step the order flow owes next: place, register, or none
);
CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status);
CREATE INDEX IF NOT EXISTS orders_by_factory_id ON orders (factory_order_id);
-- A restarted core resumes what is owed: it looks up every row with a step.
CREATE INDEX IF NOT EXISTS orders_owing ON orders (step) WHERE step IS NOT NULL;

CREATE TABLE IF NOT EXISTS purchases (
    id TEXT PRIMARY KEY,
    vin TEXT NOT NULL,
    service_id TEXT NOT NULL,
    card_token TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    authorization_id TEXT,
    command_id TEXT,
    trace_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    activated_at REAL,
    step TEXT                        -- the step the purchase flow owes next, or none
);

CREATE INDEX IF NOT EXISTS purchases_owing ON purchases (step) WHERE step IS NOT NULL;

CREATE TABLE IF NOT EXISTS payments (
    authorization_id TEXT PRIMARY KEY,
    purchase_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,            -- AUTHORIZED, CAPTURED, VOIDED
    settlement TEXT NOT NULL,        -- NONE, PENDING, SETTLED, FAILED
    captures INTEGER NOT NULL DEFAULT 0,
    voids INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL,
    authorized_at REAL,              -- when the authorisation was granted
    captured_at REAL,                -- when the capture was answered
    voided_at REAL                   -- when the void was answered
);

CREATE TABLE IF NOT EXISTS processed_webhooks (
    webhook_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    received_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,           -- email, push
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    entity TEXT NOT NULL,            -- "order:ord_1", "purchase:pur_1"
    event TEXT NOT NULL,             -- the status change it tells of
    created_at REAL NOT NULL
);

CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,              -- ops, tech_support
    entity TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at REAL NOT NULL,
    resolved_at REAL
);
-- Resolving an order's alerts looks them up by entity at every step of every order.
CREATE INDEX IF NOT EXISTS alerts_by_entity ON alerts (entity);
