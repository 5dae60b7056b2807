import type { Knex } from 'knex'

// 现场确认预约 (issue 18): a confirmation point may take bookings for slots instead of a queue.
//
// booking_points: the bureau's switch per point and how long before a slot applicants may still
// book, change or cancel it. booking_slots: the point's slots with their places; `booked` is the
// count the booking statement guards (UPDATE ... SET booked = booked + 1 WHERE booked < places), and
// the CHECK stops any writer from ever going past the places. bookings: one row per booking made;
// a change, a cancellation or a staff move ends the row (state) and frees its place in the same
// transaction, so an application has at most one live booking (the partial unique index) and keeps
// every earlier one. booking_history: what happened to an application's bookings, by whom, with the
// staff's note; it is never deleted, also after the application leaves 网报待确认.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE booking_points (
      point_id bigint PRIMARY KEY REFERENCES confirmation_points (id) ON DELETE CASCADE,
      enabled boolean NOT NULL DEFAULT false,
      change_hours integer NOT NULL DEFAULT 24 CHECK (change_hours BETWEEN 0 AND 720),
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE booking_slots (
      id bigserial PRIMARY KEY,
      point_id bigint NOT NULL REFERENCES confirmation_points (id) ON DELETE CASCADE,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      places integer NOT NULL CHECK (places BETWEEN 1 AND 10000),
      booked integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL,
      CHECK (ends_at > starts_at),
      CONSTRAINT booking_slots_booked_check CHECK (booked >= 0 AND booked <= places),
      CONSTRAINT booking_slots_no_overlap EXCLUDE USING gist (
        point_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&
      )
    );
    CREATE INDEX booking_slots_point_idx ON booking_slots (point_id, starts_at);

    CREATE TABLE bookings (
      id bigserial PRIMARY KEY,
      slot_id bigint NOT NULL REFERENCES booking_slots (id),
      business text NOT NULL CHECK (business IN ('registration', 'certification')),
      application_id bigint NOT NULL,
      applicant_id bigint NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
      state text NOT NULL DEFAULT 'booked' CHECK (state IN ('booked', 'changed', 'cancelled', 'moved')),
      attendance text CHECK (attendance IN ('arrived', 'absent')),
      attendance_at timestamptz,
      attendance_by bigint REFERENCES staff_users (id),
      reminded_at timestamptz,
      created_at timestamptz NOT NULL,
      ended_at timestamptz,
      CHECK ((state = 'booked') = (ended_at IS NULL))
    );
    CREATE UNIQUE INDEX bookings_one_live_idx ON bookings (business, application_id) WHERE state = 'booked';
    CREATE INDEX bookings_slot_idx ON bookings (slot_id, state);
    CREATE INDEX bookings_application_idx ON bookings (business, application_id, created_at DESC);

    CREATE TABLE booking_history (
      id bigserial PRIMARY KEY,
      business text NOT NULL,
      application_id bigint NOT NULL,
      booking_id bigint REFERENCES bookings (id),
      action text NOT NULL CHECK (action IN ('book', 'change', 'cancel', 'move', 'arrived', 'absent', 'reminded')),
      from_slot_id bigint REFERENCES booking_slots (id),
      to_slot_id bigint REFERENCES booking_slots (id),
      note text,
      actor_kind text NOT NULL CHECK (actor_kind IN ('applicant', 'staff', 'system')),
      actor_id bigint,
      at timestamptz NOT NULL
    );
    CREATE INDEX booking_history_application_idx ON booking_history (business, application_id, at);
  `)
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE booking_history;
    DROP TABLE bookings;
    DROP TABLE booking_slots;
    DROP TABLE booking_points;
  `)
}
