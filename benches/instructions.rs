//! Instruction-count benchmark driver: runs N requests of one scenario through one variant,
//! so `valgrind --tool=callgrind` can count instructions. Instruction counts barely move
//! on a noisy shared machine, unlike wall-clock time.
//!
//! `scripts/bench-instructions.sh` builds this binary, runs every scenario × variant at
//! two run lengths and divides the difference by the difference in requests, which
//! removes start-up and app-construction cost, then prints the ratio table.
//!
//! Usage (the binary path is printed by `cargo bench --bench instructions --no-run`):
//!
//! ```text
//! instructions SCENARIO VARIANT N
//! # or CORSAIR_BENCH_SCENARIO=... CORSAIR_BENCH_VARIANT=... CORSAIR_BENCH_N=... instructions
//! ```
//!
//! VARIANT is `none`, `actix-cors`, `corsair`, `floor` (the least a CORS middleware must do
//! on an actual request, `common/floor.rs`; actual requests with exact origins only),
//! `construct` (only build and drop the
//! request: the harness baseline, subtracted to get a "whole preflight" cost), or a
//! reference floor: `identity` (a do-nothing, unboxed middleware), `1-header` /
//! `4-headers` (actix-web's `DefaultHeaders` writing `Vary`, or the four headers of an
//! allowed actual request, with no CORS logic).
//! With no scenario (as under a plain `cargo bench`) it lists the scenarios and exits;
//! `instructions list` prints every runnable `SCENARIO VARIANT` pair, one per line.

mod common;
// Cross-origin protection (issue 23): `guard_*` scenarios with variants of their own.
mod protection;

use std::{hint::black_box, process::ExitCode};

use actix_web::{body::MessageBody, dev::Service, dev::ServiceResponse};
use common::{Request, RequestFactory, Scenario, Variant, WithService};

/// Requests run before the measured loop (fills actix's object pools, warms lazy state).
const WARM_UP: usize = 100;

struct Run<'a> {
    sys: &'a actix_rt::SystemRunner,
    variant: Variant,
    scenario: Scenario,
    n: usize,
}

impl WithService for Run<'_> {
    type Output = u64;

    fn with<S, B>(self, svc: S) -> u64
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let factory = RequestFactory::new(self.scenario);
        common::check(self.sys, &svc, &factory, self.variant, self.scenario);
        warm_up(self.sys, &svc, &factory);
        measured_loop(self.sys, &svc, &factory, self.n)
    }
}

/// Requests before the measured loop, outside it so a profile of the loop excludes them.
#[inline(never)]
fn warm_up<S, B>(sys: &actix_rt::SystemRunner, svc: &S, factory: &RequestFactory)
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    for _ in 0..WARM_UP {
        black_box(common::call(sys, svc, factory.make()));
    }
}

/// The loop callgrind measures (`--toggle-collect='*measured_loop*'` isolates it).
#[inline(never)]
fn measured_loop<S, B>(
    sys: &actix_rt::SystemRunner,
    svc: &S,
    factory: &RequestFactory,
    n: usize,
) -> u64
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut granted = 0;
    for _ in 0..n {
        let (_status, acao) = common::call(sys, svc, black_box(factory.make()));
        granted += u64::from(acao);
    }
    granted
}

/// Harness baseline: build and drop the request only.
#[inline(never)]
fn measured_loop_construct(factory: &RequestFactory, n: usize) -> u64 {
    let mut count = 0;
    for _ in 0..n {
        drop(black_box(factory.make()));
        count += 1;
    }
    count
}

fn usage() {
    eprintln!("usage: instructions SCENARIO VARIANT N");
    eprintln!("  (or env CORSAIR_BENCH_SCENARIO, CORSAIR_BENCH_VARIANT, CORSAIR_BENCH_N)");
    eprintln!(
        "  VARIANT: none | actix-cors | corsair | floor | construct | identity | 1-header | 4-headers"
    );
    eprintln!("  scenarios:");
    for s in Scenario::ALL {
        eprintln!("    {:<24} {}", s.name(), s.note());
    }
    eprintln!("  run all of them under callgrind with scripts/bench-instructions.sh");
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let arg = |i: usize, env: &str| args.get(i).cloned().or_else(|| std::env::var(env).ok());

    let Some(scenario) = arg(0, "CORSAIR_BENCH_SCENARIO") else {
        usage();
        return ExitCode::SUCCESS;
    };
    if scenario == "list" {
        // Machine-readable list of runnable `SCENARIO VARIANT` pairs, for the script.
        for s in Scenario::ALL {
            for v in Variant::ALL {
                if s.supports(v) {
                    println!("{} {}", s.name(), v.name());
                }
            }
            if s.supports(Variant::Floor) {
                println!("{} floor", s.name());
            }
            println!("{} construct", s.name());
            // Reference floors (see `Variant`): any middleware; one header; four headers.
            if s == Scenario::NoOrigin {
                println!("{} identity", s.name());
                println!("{} 1-header", s.name());
            }
            if s == Scenario::Allowed1 {
                println!("{} 4-headers", s.name());
            }
        }
        protection::list();
        return ExitCode::SUCCESS;
    }
    // Cross-origin protection scenarios (`benches/protection/`), handled apart.
    let guard_variant = arg(1, "CORSAIR_BENCH_VARIANT").unwrap_or_default();
    let guard_n = arg(2, "CORSAIR_BENCH_N")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    if let Some(out) = protection::run(&scenario, &guard_variant, guard_n) {
        let Ok(out) = out.map_err(|e| eprintln!("{e}")) else {
            return ExitCode::from(2);
        };
        println!("{scenario} {guard_variant} {guard_n} {out}");
        return ExitCode::SUCCESS;
    }
    let Some(scenario) = Scenario::parse(&scenario) else {
        eprintln!("unknown scenario {scenario:?}");
        usage();
        return ExitCode::from(2);
    };
    let variant = arg(1, "CORSAIR_BENCH_VARIANT").unwrap_or_else(|| "corsair".to_owned());
    let n: usize = match arg(2, "CORSAIR_BENCH_N")
        .unwrap_or_else(|| "1000".to_owned())
        .parse()
    {
        Ok(n) => n,
        Err(e) => {
            eprintln!("N: {e}");
            return ExitCode::from(2);
        }
    };

    let out = if variant == "construct" {
        let factory = RequestFactory::new(scenario);
        black_box(measured_loop_construct(&factory, WARM_UP));
        measured_loop_construct(&factory, n)
    } else {
        let Some(variant) = Variant::parse(&variant) else {
            eprintln!("unknown variant {variant:?}");
            usage();
            return ExitCode::from(2);
        };
        if !scenario.supports(variant) {
            eprintln!("{} has no equivalent of {}", variant, scenario.name());
            return ExitCode::from(3);
        }
        let sys = actix_rt::System::new();
        common::with_service(
            &sys,
            variant,
            scenario,
            Run {
                sys: &sys,
                variant,
                scenario,
                n,
            },
        )
    };
    println!("{} {} {n} {out}", scenario.name(), variant);
    ExitCode::SUCCESS
}
