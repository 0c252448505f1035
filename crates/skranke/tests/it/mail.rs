//! Inbound mail as the store records it: once per message, whichever way
//! and however often it comes.

use crate::support::spawn;
use skranke_store::{MailSource, NewInboundMail};

both!(a_message_is_recorded_once_however_often_it_arrives);
async fn a_message_is_recorded_once_however_often_it_arrives() {
    let app = spawn().await;
    let to = vec!["kundeservice@kundeservice.example".to_owned()];
    let mail = |identity: &'static str, source, key: &'static str, quarantine| NewInboundMail {
        identity,
        source,
        envelope_from: Some("kari@kommune-a.example"),
        envelope_to: &to,
        peer: Some("127.0.0.1:40000"),
        size: 1200,
        storage_key: key,
        quarantine,
        now: jiff::Timestamp::now(),
    };
    let first = app
        .store
        .receive_mail(&mail(
            "id:abc@kommune-a.example",
            MailSource::Smtp,
            "mail/1",
            None,
        ))
        .await
        .unwrap();
    assert!(!first.duplicate);
    // The same message again, over IMAP this time.
    let again = app
        .store
        .receive_mail(&mail(
            "id:abc@kommune-a.example",
            MailSource::Imap,
            "mail/2",
            None,
        ))
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.id, first.id, "names the first arrival");
    let broken = app
        .store
        .receive_mail(&mail(
            "sha256:00ff",
            MailSource::Smtp,
            "mail/3",
            Some("no headers"),
        ))
        .await
        .unwrap();
    assert!(!broken.duplicate);
    let pending = app.store.pending_mail(10).await.unwrap();
    assert_eq!(
        pending,
        vec![(first.id, "mail/1".to_owned())],
        "one pending, the unreadable one in quarantine"
    );
}

both!(the_same_message_arriving_at_once_is_recorded_once);
async fn the_same_message_arriving_at_once_is_recorded_once() {
    let app = spawn().await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let to = vec!["kundeservice@kundeservice.example".to_owned()];
            let key = format!("mail/{i}");
            store
                .receive_mail(&NewInboundMail {
                    identity: "id:samtidig@kommune-a.example",
                    source: if i % 2 == 0 {
                        MailSource::Smtp
                    } else {
                        MailSource::Imap
                    },
                    envelope_from: None,
                    envelope_to: &to,
                    peer: None,
                    size: 10,
                    storage_key: &key,
                    quarantine: None,
                    now: jiff::Timestamp::now(),
                })
                .await
                .unwrap()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    assert_eq!(got.iter().filter(|r| !r.duplicate).count(), 1);
    assert!(got.iter().all(|r| r.id == got[0].id));
    assert_eq!(app.store.pending_mail(10).await.unwrap().len(), 1);
}
