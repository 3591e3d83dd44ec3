//! Wall-clock benchmarks (criterion) of corsair against actix-cors 0.7 and no middleware,
//! through a real actix-web service (`actix_web::test::init_service`).
//!
//! Run: `cargo bench -p corsair-bench --bench throughput` (about three minutes on 2 cores).
//! Filter: `cargo bench -p corsair-bench --bench throughput -- preflight`.
//!
//! The handler-`Vary` scenarios run with `Vary: Accept-Encoding` only (`vary1_*`); the other
//! handler kinds are in the instruction counts and the allocation check.
//!
//! Each group is one scenario; each benchmark in it one variant (`none`, `actix-cors`,
//! `corsair`). Apps are built once, outside the timed loop. Every iteration builds the
//! request the same way for every variant (see `baseline/construct_request` for that cost)
//! and drops the response. For numbers that are stable on a noisy machine use the
//! instruction counts (`scripts/bench-instructions.sh`).

mod common;

use std::time::Duration;

use actix_web::{body::MessageBody, dev::Service, dev::ServiceResponse};
use common::{HandlerVary, Request, RequestFactory, Scenario, Variant, WithService};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};

struct Bench<'a, 'g> {
    sys: &'a actix_rt::SystemRunner,
    group: &'a mut BenchmarkGroup<'g, criterion::measurement::WallTime>,
    variant: Variant,
    scenario: Scenario,
}

impl WithService for Bench<'_, '_> {
    type Output = ();

    fn with<S, B>(self, svc: S)
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let factory = RequestFactory::new(self.scenario);
        common::check(self.sys, &svc, &factory, self.variant, self.scenario);
        let sys = self.sys;
        self.group.bench_function(self.variant.name(), |b| {
            b.iter(|| common::call(sys, &svc, factory.make()))
        });
    }
}

fn benches(c: &mut Criterion) {
    let sys = actix_rt::System::new();

    {
        let factory = RequestFactory::new(Scenario::PreflightAllowed);
        let mut group = c.benchmark_group("baseline");
        group.bench_function("construct_request", |b| b.iter(|| factory.make()));
        group.finish();
    }

    for scenario in Scenario::ALL {
        if matches!(scenario.handler_vary(), Some(v) if v != HandlerVary::One) {
            continue;
        }
        let mut group = c.benchmark_group(scenario.name());
        for variant in Variant::ALL {
            if !scenario.supports(variant) {
                continue;
            }
            common::with_service(
                &sys,
                variant,
                scenario,
                Bench {
                    sys: &sys,
                    group: &mut group,
                    variant,
                    scenario,
                },
            );
        }
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args()
}

criterion_group! {
    name = throughput;
    config = config();
    targets = benches
}
criterion_main!(throughput);
