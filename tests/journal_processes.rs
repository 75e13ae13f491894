//! Issue 11.1 across processes: child processes (this test binary run
//! again) write the same journal; the second writer is refused and nothing
//! is lost. Kept in a binary of its own: a child forked while another test
//! of the same process held a journal would briefly share that lock.

mod common;

use coalition_ledger::io::journal::{Journal, Recovery};
use coalition_ledger::*;
use common::*;

const CHILD: &str = "CL_JOURNAL_CHILD";

/// Not a test on its own: the body of the child processes of
/// `two_processes_one_writer`, selected by an environment variable.
#[test]
fn two_process_child() {
    let Ok(spec) = std::env::var(CHILD) else {
        return;
    };
    let (mode, path) = spec.split_once(':').expect("mode:path");
    match mode {
        "hold" => {
            let mut journal = Journal::open(path, Recovery::Fail).expect("first writer opens");
            journal
                .add_member(Member::new(mid("FRA"), "France"))
                .expect("appends");
            println!("CHILD-LOCKED");
            use std::io::BufRead;
            // Hold the lock until the parent closes our stdin.
            for _ in std::io::stdin().lock().lines() {}
            journal
                .add_member(Member::new(mid("GBR"), "United Kingdom"))
                .expect("appends after the other writer was refused");
            println!("CHILD-DONE");
        }
        "try" => match Journal::open(path, Recovery::Fail) {
            Err(Error::JournalLocked { .. }) => println!("CHILD-REFUSED"),
            Err(other) => println!("CHILD-OTHER {other}"),
            Ok(mut journal) => {
                let _ = journal.add_member(Member::new(mid("DEU"), "Germany"));
                println!("CHILD-OPENED");
            }
        },
        _ => panic!("unknown child mode {mode}"),
    }
}

/// Issue 11.1, across processes: the second writer is refused and nothing
/// the first acknowledged is lost.
#[test]
fn two_processes_one_writer() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = std::env::temp_dir().join(format!("cl-journal-procs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("j");
    let exe = std::env::current_exe().expect("test binary");
    let child = |mode: &str| {
        let mut command = Command::new(&exe);
        command
            .args([
                "--exact",
                "two_process_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, format!("{mode}:{}", path.display()))
            .stdout(Stdio::piped());
        command
    };
    let mut holder = child("hold").stdin(Stdio::piped()).spawn().expect("spawns");
    let mut lines = BufReader::new(holder.stdout.take().expect("stdout")).lines();
    let locked = lines
        .by_ref()
        .map(|l| l.expect("reads"))
        .any(|l| l.contains("CHILD-LOCKED"));
    assert!(locked, "the first writer opened");
    let second = child("try").output().expect("runs");
    let said = String::from_utf8_lossy(&second.stdout);
    assert!(said.contains("CHILD-REFUSED"), "{said}");
    drop(holder.stdin.take());
    let rest: Vec<String> = lines.map(|l| l.expect("reads")).collect();
    assert!(rest.iter().any(|l| l.contains("CHILD-DONE")), "{rest:?}");
    assert!(holder.wait().expect("waits").success());
    let journal = Journal::open(&path, Recovery::Fail).expect("opens");
    let members: Vec<&str> = journal
        .ledger()
        .members()
        .map(|m| m.id().as_str())
        .collect();
    assert_eq!(members, ["FRA", "GBR"]);
    drop(journal);
    std::fs::remove_dir_all(&dir).ok();
}
