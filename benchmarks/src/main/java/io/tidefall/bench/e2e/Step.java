package io.tidefall.bench.e2e;

/** One offered load, measured in both modes. */
record Step(double offered, Load.Outcome direct, Load.Outcome buffered) {
}
