"""The floor under the open balance sheet: one hand-written SQL query giving the same rows.

``GET .../balance-sheet`` of an open period reads the journal and splits the period's
expenses live (SPEC §2). This is the same arithmetic written as one PostgreSQL statement —
opening from the previous period's snapshot, each member's posted sums per category, every
split (round half up, the remainder cent by cent to the largest weights, ties to the lower
property id), tariffs per reading — so bench/table.py can say how far the sheet is above
what the database alone needs. It is a yardstick, not production code: no budget table, no
unassigned list, no fund.

    rows(connection, community_id, period_id) -> [(member_id, name, opening, ..., closing)]
"""

from __future__ import annotations

from app.ledger.balances import TOTAL_KEYS

COLUMNS = TOTAL_KEYS  # the sheet's columns, in its order (bench/table.py compares them)

QUERY = """
WITH p AS (
    SELECT id, start_date FROM period WHERE id = %(period)s AND community_id = %(community)s
), prev AS (
    SELECT pr.id FROM period pr, p
    WHERE pr.community_id = %(community)s AND pr.start_date < p.start_date
    ORDER BY pr.start_date DESC LIMIT 1
), opening AS (
    SELECT s.member_id, s.closing AS cents FROM balance_snapshot s JOIN prev ON s.period_id = prev.id
), posted_sums AS (
    SELECT member_id,
           -coalesce(sum(amount_cents) FILTER (WHERE category = 'contribution'), 0) AS contributions,
           -coalesce(sum(amount_cents) FILTER (WHERE category = 'paid_expense'), 0) AS paid_expenses,
           coalesce(sum(amount_cents) FILTER (WHERE category = 'service_charge'), 0) AS service_charges,
           coalesce(sum(amount_cents) FILTER (WHERE category = 'payout'), 0) AS payouts,
           -coalesce(sum(amount_cents) FILTER (WHERE category = 'adjustment'), 0) AS adjustments
    FROM posting
    WHERE period_id = %(period)s AND member_id IS NOT NULL
      AND category IN ('contribution', 'paid_expense', 'service_charge', 'payout', 'adjustment')
    GROUP BY member_id
), posted AS (
    SELECT *, (contributions <> 0 OR paid_expenses <> 0 OR service_charges <> 0
               OR payouts <> 0 OR adjustments <> 0) AS moved
    FROM posted_sums
), props AS (
    SELECT id, owner_member_id, share_weight, active FROM property
    WHERE community_id = %(community)s
), items AS (
    SELECT id, payment_type_key AS key, strategy, unit_rate FROM budget_item
    WHERE period_id = %(period)s AND voided_at IS NULL
), totals AS (
    SELECT payment_type_key AS key, sum(amount_cents) AS total FROM expense
    WHERE period_id = %(period)s AND voided_at IS NULL GROUP BY payment_type_key
), readings AS (
    SELECT budget_item_id, property_id, end_reading - start_reading AS used FROM reading
    WHERE period_id = %(period)s AND voided_at IS NULL
), used AS (
    SELECT budget_item_id, property_id, sum(used) AS used FROM readings
    GROUP BY budget_item_id, property_id
), weights AS (
    SELECT i.id AS item_id, t.total, pr.id AS property_id, pr.owner_member_id,
           CASE i.strategy WHEN 'proportional' THEN pr.share_weight
                           WHEN 'fixed_fee' THEN 1
                           ELSE coalesce(u.used, 0) END AS w
    FROM items i
    JOIN totals t ON t.key = i.key AND t.total <> 0
    CROSS JOIN props pr
    LEFT JOIN used u ON u.budget_item_id = i.id AND u.property_id = pr.id
    WHERE (i.strategy IN ('proportional', 'fixed_fee') AND pr.active)
       OR (i.strategy = 'usage_based' AND i.unit_rate IS NULL
           AND (pr.active OR u.used IS NOT NULL))
), rounded AS (
    SELECT *, sign(total) * div(2 * abs(total) * w + sum(w) OVER item,
                                2 * sum(w) OVER item) AS r,
           sum(w) OVER item AS whole,
           row_number() OVER (PARTITION BY item_id ORDER BY w DESC, property_id) AS rank
    FROM weights
    WINDOW item AS (PARTITION BY item_id)
), shares AS (
    SELECT owner_member_id, item_id, w, rank,
           r + CASE WHEN w > 0 AND rank <= abs(total - sum(r) OVER (PARTITION BY item_id))
                    THEN sign(total - sum(r) OVER (PARTITION BY item_id)) ELSE 0 END AS cents
    FROM rounded WHERE whole > 0
), allocated AS (
    SELECT owner_member_id AS member_id, sum(cents) AS cents FROM shares GROUP BY 1
), usage AS (
    SELECT pr.owner_member_id AS member_id, sum(floor(rd.used * i.unit_rate * 100 + 0.5)) AS cents
    FROM readings rd JOIN items i ON i.id = rd.budget_item_id
    JOIN props pr ON pr.id = rd.property_id
    WHERE i.strategy = 'usage_based' AND i.unit_rate IS NOT NULL
    GROUP BY pr.owner_member_id
), everyone AS (
    SELECT member_id FROM posted WHERE moved
    UNION SELECT owner_member_id FROM props
    UNION SELECT member_id FROM opening WHERE cents <> 0
), rows AS (
    SELECT m.id AS member_id, m.name,
           coalesce(o.cents, 0) AS opening, coalesce(po.contributions, 0) AS contributions,
           coalesce(po.paid_expenses, 0) AS paid_expenses, coalesce(a.cents, 0) AS allocated,
           coalesce(us.cents, 0) AS usage, coalesce(po.service_charges, 0) AS service_charges,
           coalesce(po.payouts, 0) AS payouts, coalesce(po.adjustments, 0) AS adjustments
    FROM everyone e JOIN member m ON m.id = e.member_id
    LEFT JOIN opening o ON o.member_id = e.member_id
    LEFT JOIN posted po ON po.member_id = e.member_id AND po.moved
    LEFT JOIN allocated a ON a.member_id = e.member_id
    LEFT JOIN usage us ON us.member_id = e.member_id
)
SELECT member_id, name, opening, contributions, paid_expenses, allocated, usage,
       service_charges, payouts, adjustments,
       opening + contributions + paid_expenses - allocated - usage - service_charges
           - payouts + adjustments AS closing
FROM rows ORDER BY lower(name) COLLATE "C", member_id
"""


def rows(connection, community_id: int, period_id: int) -> list[tuple]:
    """The sheet's rows as (member_id, name, *COLUMNS) in cents, in the sheet's order."""
    result = connection.execute(QUERY, {"community": community_id, "period": period_id})
    return [(r[0], r[1], *(int(v) for v in r[2:])) for r in result.fetchall()]
