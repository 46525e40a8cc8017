//! The methods: params checked, then the session's transactions,
//! subscriptions and the device changed.

use super::data::{self, DataError, LoadMode};
use super::params::Params;
use super::schema::{self, Kind, Resolved};
use super::trans::{CommitParams, Op, validate_tree};
use super::{CallContext, Effects, Nso, Subscription, TraceContext, Trans, reason};
use crate::device::Datastore;
use crate::serve::SimDevice;
use confuzz_wire::jsonrpc::{ErrorObject, ErrorType, parse_keypath};
use serde_json::{Value, json};
use std::time::Duration;

/// Every method served (`comet` is answered by the HTTP layer, which
/// waits).
pub const METHODS: &[&str] = &[
    "login",
    "logout",
    "get_system_setting",
    "new_trans",
    "get_trans",
    "delete_trans",
    "lock_db",
    "unlock_db",
    "get_value",
    "get_values",
    "set_value",
    "create",
    "delete",
    "exists",
    "show_config",
    "load",
    "get_trans_changes",
    "is_trans_modified",
    "validate_trans",
    "validate_commit",
    "clear_validate_lock",
    "commit",
    "apply",
    "confirm_commit",
    "abort_commit",
    "subscribe_changes",
    "start_subscription",
    "unsubscribe",
    "comet",
    "get_module_prefix_map",
    "get_schema",
];

type R = Result<Value, ErrorObject>;

fn data_err(e: DataError) -> ErrorObject {
    let kind = match e {
        DataError::NotFound(_) => ErrorType::DataNotFound,
        DataError::AlreadyExists(_) => ErrorType::DataAlreadyExists,
        DataError::WrongKind(_) | DataError::BadData(_) => ErrorType::MethodFailed,
    };
    reason(kind, e.to_string())
}

fn path_param(p: &Params, name: &str) -> Result<(Resolved, String), ErrorObject> {
    let text = p.req_str(name)?;
    let kp = parse_keypath(&text).map_err(|e| {
        ErrorObject::invalid_params(name).with_message(format!("Invalid params: {e}"))
    })?;
    let r = schema::resolve(&kp).map_err(|e| {
        ErrorObject::invalid_params(name).with_message(format!("Invalid params: {e}"))
    })?;
    Ok((r, text))
}

fn db_param(p: &Params) -> Result<Option<Datastore>, ErrorObject> {
    Ok(
        match p
            .choice("db", &["running", "candidate", "startup"])?
            .as_deref()
        {
            Some("candidate") => Some(Datastore::Candidate),
            Some("startup") => Some(Datastore::Startup),
            Some(_) => Some(Datastore::Running),
            None => None,
        },
    )
}

/// The value of `set_value` as leaf values: strings, numbers and booleans
/// as text, an array for a leaf-list, null to delete.
fn leaf_values(v: &Value) -> Result<Option<Vec<String>>, ErrorObject> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        _ => Err(ErrorObject::params(
            ErrorType::MethodInvalidParamsType,
            "value",
        )),
    };
    match v {
        Value::Null => Ok(None),
        Value::Array(a) => a.iter().map(one).collect::<Result<_, _>>().map(Some),
        other => Ok(Some(vec![one(other)?])),
    }
}

/// Flags of commit, apply and validate_commit: an array of strings or a
/// bit mask.
fn flags(p: &Params, trace: Option<&TraceContext>) -> Result<CommitParams, ErrorObject> {
    let mut out = CommitParams::default();
    match p.value("flags")? {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.as_u64().is_some() => {}
        Some(Value::Array(items)) => {
            for f in items {
                let Value::String(f) = f else {
                    return Err(ErrorObject::params(
                        ErrorType::MethodInvalidParamsType,
                        "flags",
                    ));
                };
                let (name, arg) = f.split_once('=').unwrap_or((f.as_str(), ""));
                match name {
                    "dry-run" => {
                        let fmt = if arg.is_empty() { "xml" } else { arg };
                        if !matches!(fmt, "xml" | "cli" | "native") {
                            return Err(ErrorObject::params(
                                ErrorType::MethodUnknownParamsValue,
                                "flags",
                            ));
                        }
                        out.dry_run = Some(fmt.to_owned());
                    }
                    "trace-id" => {
                        if trace.is_some() {
                            return Err(ErrorObject::invalid_params("flags").with_message(
                                "Invalid params: trace-id flag and Trace Context headers cannot be used together",
                            ));
                        }
                        out.comment = Some(format!("jsonrpc trace-id {arg}"));
                    }
                    "dry-run-reverse"
                    | "no-revision-drop"
                    | "no-overwrite"
                    | "no-networking"
                    | "no-out-of-sync-check"
                    | "no-deploy"
                    | "reconcile"
                    | "use-lsa"
                    | "no-lsa"
                    | "commit-queue"
                    | "commit-queue-atomic"
                    | "commit-queue-block-others"
                    | "commit-queue-lock"
                    | "commit-queue-tag"
                    | "commit-queue-timeout"
                    | "commit-queue-error-option" => {}
                    _ => {
                        return Err(ErrorObject::params(
                            ErrorType::MethodUnknownParamsValue,
                            "flags",
                        ));
                    }
                }
            }
        }
        Some(_) => {
            return Err(ErrorObject::params(
                ErrorType::MethodInvalidParamsType,
                "flags",
            ));
        }
    }
    if out.comment.is_none()
        && let Some(t) = trace
    {
        out.comment = Some(format!("jsonrpc trace-id {}", t.trace_id()));
    }
    Ok(out)
}

impl Nso {
    /// Answers one call. `comet` is not handled here (see
    /// [`Nso::comet_poll`]).
    pub fn call(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        method: &str,
        raw: Option<&confuzz_wire::jsonrpc::RawJson>,
        fx: &mut Effects,
    ) -> R {
        self.expire(dev, cx.now);
        if method == "login" {
            let p = Params::read(raw)?;
            return self.login(dev, cx, &p, fx);
        }
        self.session(cx, fx)?;
        if !METHODS.contains(&method) || method == "comet" {
            return Err(ErrorObject::method_not_found());
        }
        let p = Params::read(raw)?;
        match method {
            "logout" => {
                p.only(&[])?;
                if let Some(c) = cx.cookie.as_deref() {
                    self.end(dev, c, cx.now);
                }
                fx.clear_cookie = true;
                Ok(json!({}))
            }
            "get_system_setting" => self.get_system_setting(cx, &p, fx),
            "get_module_prefix_map" => {
                p.only(&["path", "th"])?;
                let m: serde_json::Map<String, Value> = schema::MODULES
                    .iter()
                    .map(|m| (m.name.to_owned(), Value::String(m.prefix.into())))
                    .collect();
                Ok(Value::Object(m))
            }
            "get_schema" => self.get_schema(dev, cx, &p, fx),
            "new_trans" => self.new_trans(dev, cx, &p, fx),
            "get_trans" => {
                p.only(&[])?;
                let s = self.session(cx, fx)?;
                let trans: Vec<Value> = s
                    .trans
                    .values()
                    .map(|t| {
                        let mut v = json!({
                            "db": t.db.as_str(),
                            "mode": if t.read_write { "read_write" } else { "read" },
                            "conf_mode": t.conf_mode,
                            "th": t.th,
                        });
                        if let Some(tag) = &t.tag {
                            v["tag"] = Value::String(tag.clone());
                        }
                        v
                    })
                    .collect();
                Ok(json!({ "trans": trans }))
            }
            "delete_trans" => {
                p.only(&["th"])?;
                let th = p.req_int("th")?;
                self.take_trans(dev, cx, fx, th)?;
                Ok(json!({}))
            }
            "lock_db" | "unlock_db" => self.lock_db(dev, cx, &p, fx, method == "lock_db"),
            "get_value" | "get_values" | "exists" | "show_config" => {
                self.read_method(cx, &p, fx, method)
            }
            "set_value" | "create" | "delete" | "load" => {
                self.write_method(dev, cx, &p, fx, method)
            }
            "get_trans_changes" => {
                p.only(&["th", "output"])?;
                let compact =
                    p.choice("output", &["compact", "legacy"])?.as_deref() == Some("compact");
                let t = self.trans_mut(cx, fx, &p)?;
                let changes: Vec<Value> = t
                    .changes()
                    .iter()
                    .map(|c| {
                        let mut v = c.to_json(false);
                        if compact && let Value::Object(m) = &mut v {
                            m.retain(|k, x| !(matches!(k.as_str(), "value" | "old") && x == ""));
                        }
                        v
                    })
                    .collect();
                Ok(json!({ "changes": changes }))
            }
            "is_trans_modified" => {
                p.only(&["th"])?;
                let t = self.trans_mut(cx, fx, &p)?;
                Ok(json!({ "modified": t.modified() }))
            }
            "validate_trans" => {
                p.only(&["th"])?;
                let t = self.trans_mut(cx, fx, &p)?;
                let errors = validate_tree(&t.tree);
                if errors.is_empty() {
                    Ok(json!({}))
                } else {
                    Err(ErrorObject::validation_failed(errors))
                }
            }
            "validate_commit" => self.validate_commit(dev, cx, &p, fx),
            "clear_validate_lock" => {
                p.only(&["th"])?;
                let th = p.req_int("th")?;
                self.release_validate_lock(dev, cx, fx, th)?;
                Ok(json!({}))
            }
            "commit" | "apply" => self.commit(dev, cx, &p, fx, method == "apply"),
            "confirm_commit" | "abort_commit" => {
                p.only(&["th"])?;
                self.confirm_or_abort(dev, cx, fx, method == "confirm_commit")
            }
            "subscribe_changes" => self.subscribe_changes(dev, cx, &p, fx),
            "start_subscription" | "unsubscribe" => {
                p.only(&["handle"])?;
                let handle = p.req_str("handle")?;
                let running = dev.lock().running.clone();
                let s = self.session(cx, fx)?;
                if method == "unsubscribe" {
                    s.subs.remove(&handle).ok_or_else(|| {
                        ErrorObject::params(ErrorType::MethodUnknownParamsValue, "handle")
                    })?;
                } else {
                    let sub = s.subs.get_mut(&handle).ok_or_else(|| {
                        ErrorObject::params(ErrorType::MethodUnknownParamsValue, "handle")
                    })?;
                    if !sub.started {
                        sub.started = true;
                        sub.seen = Some(running);
                    }
                }
                Ok(json!({}))
            }
            _ => Err(ErrorObject::method_not_found()),
        }
    }

    fn login(&mut self, dev: &SimDevice, cx: &CallContext, p: &Params, fx: &mut Effects) -> R {
        p.only(&["user", "passwd", "ack_warning"])?;
        p.bool("ack_warning")?;
        let (user, passwd) = if p.is_empty() {
            // Without params: the credentials come with the HTTP request.
            cx.basic_auth.clone().ok_or_else(|| {
                reason(
                    ErrorType::MethodFailed,
                    "no credentials: give user and passwd, or HTTP Basic authorization",
                )
            })?
        } else {
            (p.req_str("user")?, p.req_str("passwd")?)
        };
        if !dev.lock().authenticate(&user, &passwd) {
            return Err(ErrorObject::nso(ErrorType::MethodFailed));
        }
        let cookie = self.open(dev, &user, &cx.peer, cx.now)?;
        fx.set_cookie = Some(cookie);
        Ok(json!({}))
    }

    fn get_system_setting(&mut self, cx: &CallContext, p: &Params, fx: &mut Effects) -> R {
        p.only(&["operation"])?;
        let op = p
            .choice(
                "operation",
                &[
                    "capabilities",
                    "customizations",
                    "models",
                    "user",
                    "version",
                    "all",
                    "namespaces",
                ],
            )?
            .unwrap_or_else(|| "all".into());
        let user = self.session(cx, fx)?.user.clone();
        let models: Vec<Value> = schema::MODULES
            .iter()
            .map(|m| json!({"name": m.name, "prefix": m.prefix, "namespace": m.namespace}))
            .collect();
        let namespaces: serde_json::Map<String, Value> = schema::MODULES
            .iter()
            .map(|m| (m.prefix.to_owned(), Value::String(m.namespace.into())))
            .collect();
        let caps = json!({"rollback": true, "copy_running_to_startup": false, "exclusive": true, "confirmed_commit": true});
        Ok(match op.as_str() {
            "capabilities" => caps,
            "customizations" => json!([]),
            "models" => Value::Array(models),
            "user" => Value::String(user),
            "version" => Value::String(self.options.version.clone()),
            "namespaces" => Value::Object(namespaces),
            _ => json!({
                "user": user,
                "models": models,
                "version": self.options.version,
                "customizations": [],
                "capabilities": caps,
                "namespaces": namespaces,
            }),
        })
    }

    fn new_trans(&mut self, dev: &SimDevice, cx: &CallContext, p: &Params, fx: &mut Effects) -> R {
        p.only(&[
            "db",
            "mode",
            "conf_mode",
            "tag",
            "action_path",
            "th",
            "on_pending_changes",
        ])?;
        let db = db_param(p)?.unwrap_or(Datastore::Running);
        let read_write =
            p.choice("mode", &["read", "read_write"])?.as_deref() == Some("read_write");
        let conf_mode = p
            .choice("conf_mode", &["private", "shared", "exclusive"])?
            .unwrap_or_else(|| "private".into());
        let tag = p.str("tag")?;
        p.str("action_path")?;
        p.int("th")?;
        let pending = p.choice("on_pending_changes", &["reuse", "reject", "discard"])?;
        if db == Datastore::Startup {
            return Err(reason(
                ErrorType::MethodFailed,
                "the startup datastore is not writable through JSON-RPC on this device",
            ));
        }
        let th = self.fresh_th();
        let s = self.session(cx, fx)?;
        let (sid, class) = (s.sid, s.class);
        let nso = &*self;
        let s = nso.sessions.get(cx.cookie.as_deref().unwrap_or_default());
        if let Some(s) = s {
            nso.check_load(s)?;
        }
        if read_write && !class.may_configure() {
            return Err(reason(
                ErrorType::MethodDenied,
                "the user's login class may not change the configuration",
            ));
        }
        let base = {
            let mut d = dev.lock();
            if d.pending
                .as_ref()
                .is_some_and(|p| p.owner.is_some_and(|o| o != sid.0))
                && read_write
            {
                return Err(ErrorObject::nso(ErrorType::TransConfirmedCommitInProgress));
            }
            if db == Datastore::Candidate && d.candidate_dirty {
                match pending.as_deref() {
                    Some("reject") => {
                        return Err(reason(
                            ErrorType::MethodFailed,
                            "the candidate holds uncommitted changes",
                        ));
                    }
                    Some("discard") => {
                        if let Some(h) = d.locked_by_other(Datastore::Candidate, sid.0) {
                            return Err(self.locked(&d, h));
                        }
                        d.candidate = d.running.clone();
                        d.candidate_dirty = false;
                    }
                    _ => {}
                }
            }
            if conf_mode == "exclusive" && read_write {
                for ds in [Datastore::Running, Datastore::Candidate] {
                    if let Some(h) = d.locked_by_other(ds, sid.0) {
                        return Err(self.locked(&d, h));
                    }
                }
            }
            d.datastore_arc_of(db)
        };
        let mut t = Trans::new(th, db, read_write, conf_mode, tag, base);
        t.trace = cx.trace.clone();
        self.session(cx, fx)?.trans.insert(th, t);
        Ok(json!({ "th": th }))
    }

    pub(crate) fn trans_mut(
        &mut self,
        cx: &CallContext,
        fx: &mut Effects,
        p: &Params,
    ) -> Result<&mut Trans, ErrorObject> {
        let th = p.req_int("th")?;
        let s = self.session(cx, fx)?;
        let t = s
            .trans
            .get_mut(&th)
            .ok_or_else(|| ErrorObject::params(ErrorType::MethodUnknownParamsValue, "th"))?;
        if cx.trace.is_some() {
            t.trace = cx.trace.clone();
        }
        Ok(t)
    }

    fn take_trans(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        fx: &mut Effects,
        th: i64,
    ) -> Result<Trans, ErrorObject> {
        self.release_validate_lock(dev, cx, fx, th)?;
        let s = self.session(cx, fx)?;
        s.trans
            .remove(&th)
            .ok_or_else(|| ErrorObject::params(ErrorType::MethodUnknownParamsValue, "th"))
    }

    fn release_validate_lock(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        fx: &mut Effects,
        th: i64,
    ) -> Result<(), ErrorObject> {
        let s = self.session(cx, fx)?;
        let sid = s.sid;
        let t = s
            .trans
            .get_mut(&th)
            .ok_or_else(|| ErrorObject::params(ErrorType::MethodUnknownParamsValue, "th"))?;
        if t.validate_lock.take() == Some(true) {
            let _ = dev.lock().unlock(Datastore::Running, sid.0);
            dev.changed();
        }
        Ok(())
    }

    fn lock_db(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        p: &Params,
        fx: &mut Effects,
        lock: bool,
    ) -> R {
        p.only(&["db"])?;
        let db = db_param(p)?
            .ok_or_else(|| ErrorObject::params(ErrorType::MethodMissingParams, "db"))?;
        let s = self.session(cx, fx)?;
        let (sid, class) = (s.sid, s.class);
        if !class.may_configure() {
            return Err(reason(
                ErrorType::MethodDenied,
                "the user's login class may not lock",
            ));
        }
        let mut d = dev.lock();
        if lock {
            if let Some(h) = d.lock_holder(db) {
                return Err(self.locked(&d, h.0));
            }
            if let Err(e) = d.lock(db, sid.0) {
                return Err(self.device_error(&d, &[e]));
            }
        } else if let Err(e) = d.unlock(db, sid.0) {
            let text = e.error_message.map(|m| m.text).unwrap_or_default();
            return Err(reason(ErrorType::MethodFailed, text));
        }
        drop(d);
        dev.changed();
        Ok(json!({}))
    }

    fn read_method(&mut self, cx: &CallContext, p: &Params, fx: &mut Effects, method: &str) -> R {
        match method {
            "get_value" => p.only(&["th", "path", "check_default"])?,
            "get_values" => p.only(&["th", "path", "check_default", "leafs"])?,
            "exists" => p.only(&["th", "path"])?,
            _ => p.only(&["th", "path", "result_as", "with_oper", "max_size"])?,
        }
        p.req_int("th")?;
        let check_default = p.bool("check_default")?.unwrap_or(false);
        let (r, text) = path_param(p, "path")?;
        let t = self.trans_mut(cx, fx, p)?;
        match method {
            "exists" => Ok(json!({ "exists": data::find(&t.tree, &r).is_some() })),
            "get_value" => {
                let found = data::find_all(&t.tree, &r);
                let values: Vec<&str> = found
                    .iter()
                    .filter(|e| e.children.is_empty())
                    .map(|e| crate::tree::text(e))
                    .collect();
                let mut v = match values.as_slice() {
                    [] if found.is_empty() => {
                        return Err(reason(
                            ErrorType::DataNotFound,
                            format!("{text} does not exist"),
                        ));
                    }
                    [] => {
                        return Err(reason(
                            ErrorType::MethodFailed,
                            format!("{text} is not a leaf"),
                        ));
                    }
                    [one] => json!({ "value": one }),
                    many => json!({ "value": many }),
                };
                if check_default {
                    v["is_default"] = Value::Bool(false);
                }
                Ok(v)
            }
            "get_values" => {
                let leafs = p
                    .strings("leafs")?
                    .ok_or_else(|| ErrorObject::params(ErrorType::MethodMissingParams, "leafs"))?;
                let Some(parent) = data::find(&t.tree, &r) else {
                    return Err(reason(
                        ErrorType::DataNotFound,
                        format!("{text} does not exist"),
                    ));
                };
                let values: Vec<Value> = leafs
                    .iter()
                    .map(|l| {
                        let access = json!({"read": true, "write": t.read_write});
                        match parent.children.iter().find(|c| c.name.local == *l) {
                            Some(c) if c.children.is_empty() => {
                                json!({"value": crate::tree::text(c), "access": access})
                            }
                            Some(_) => json!({"exists": true, "access": access}),
                            None => json!({"not_found": true, "access": access}),
                        }
                    })
                    .collect();
                Ok(json!({ "values": values }))
            }
            _ => {
                let result_as = p
                    .choice("result_as", &["string", "json", "json2"])?
                    .unwrap_or_else(|| "string".into());
                p.bool("with_oper")?;
                p.int("max_size")?;
                let found = data::find_all(&t.tree, &r);
                if found.is_empty() {
                    return Err(reason(
                        ErrorType::DataNotFound,
                        format!("{text} does not exist"),
                    ));
                }
                let parent = if r.steps.len() >= 2 {
                    r.steps
                        .get(r.steps.len() - 2)
                        .map_or("", |s| s.name.as_str())
                } else if r.module.is_native() {
                    "configuration"
                } else {
                    ""
                };
                if result_as == "string" {
                    let mut out = String::new();
                    for e in &found {
                        let holder = confuzz_wire::xml::Element::new("h").with_child((*e).clone());
                        data::to_text(&holder, 0, &mut out);
                    }
                    return Ok(json!({ "config": out }));
                }
                let name = match r.steps.last() {
                    Some(s) => format!("{}:{}", r.module.prefix, s.name),
                    None => "junos:configuration".to_owned(),
                };
                let values: Vec<Value> = found
                    .iter()
                    .map(|e| data::to_json(r.module, parent, e))
                    .collect();
                let many = r
                    .steps
                    .last()
                    .is_some_and(|s| schema::list_keys(r.module, parent, &s.name).is_some());
                let v = if many || values.len() > 1 {
                    Value::Array(values)
                } else {
                    values.into_iter().next().unwrap_or(Value::Null)
                };
                let mut m = serde_json::Map::new();
                m.insert(name, v);
                Ok(json!({ "data": Value::Object(m) }))
            }
        }
    }

    fn write_method(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        p: &Params,
        fx: &mut Effects,
        method: &str,
    ) -> R {
        match method {
            "set_value" => p.only(&["th", "path", "value", "dryrun"])?,
            "load" => p.only(&["th", "data", "path", "format", "mode"])?,
            _ => p.only(&["th", "path"])?,
        }
        p.req_int("th")?;
        let op = match method {
            "set_value" => {
                let (r, text) = path_param(p, "path")?;
                let value = p
                    .value("value")?
                    .ok_or_else(|| ErrorObject::params(ErrorType::MethodMissingParams, "value"))?;
                if !r.module.is_native()
                    && let Some(last) = r.steps.last()
                {
                    let parent = r
                        .steps
                        .len()
                        .checked_sub(2)
                        .and_then(|i| r.steps.get(i))
                        .map_or("", |s| s.name.as_str());
                    if !matches!(
                        schema::example_kind(r.module, parent, &last.name),
                        Some(Kind::Leaf(_))
                    ) {
                        return Err(reason(
                            ErrorType::MethodFailed,
                            format!("{text} is not a leaf"),
                        ));
                    }
                }
                let dryrun = p.bool("dryrun")?.unwrap_or(false);
                let op = Op::Set(r, text, leaf_values(&value)?);
                if dryrun {
                    let t = self.trans_mut(cx, fx, p)?;
                    let mut scratch = t.tree.clone();
                    op.apply(&mut scratch).map_err(data_err)?;
                    return Ok(json!({}));
                }
                op
            }
            "create" => {
                let (r, text) = path_param(p, "path")?;
                Op::Create(r, text)
            }
            "delete" => {
                let (r, text) = path_param(p, "path")?;
                Op::Delete(r, text)
            }
            _ => {
                let format = p
                    .choice("format", &["xml", "json"])?
                    .unwrap_or_else(|| "xml".into());
                let mode = match p
                    .choice("mode", &["create", "merge", "replace"])?
                    .as_deref()
                {
                    Some("create") => LoadMode::Create,
                    Some("replace") => LoadMode::Replace,
                    _ => LoadMode::Merge,
                };
                if let Some(path) = p.str("path")?
                    && path != "/"
                {
                    return Err(ErrorObject::params(ErrorType::MethodUnknownParamsValue, "path")
                        .with_message("Unknown params value: load takes data for the whole configuration (path \"/\")"));
                }
                let data_v = p
                    .value("data")?
                    .ok_or_else(|| ErrorObject::params(ErrorType::MethodMissingParams, "data"))?;
                let tops = match (format.as_str(), &data_v) {
                    ("xml", Value::String(s)) => data::xml_tops(s),
                    ("json", Value::String(s)) => match serde_json::from_str::<Value>(s) {
                        Ok(v) => data::json_tops(&v),
                        Err(e) => Err(DataError::BadData(format!(
                            "the JSON data cannot be read: {e}"
                        ))),
                    },
                    ("json", v) => data::json_tops(v),
                    _ => {
                        return Err(ErrorObject::params(
                            ErrorType::MethodInvalidParamsType,
                            "data",
                        ));
                    }
                }
                .map_err(data_err)?;
                Op::Load(tops, mode)
            }
        };
        let s = self.session(cx, fx)?;
        let (sid, class) = (s.sid, s.class);
        if !class.may_configure() {
            return Err(reason(
                ErrorType::MethodDenied,
                "the user's login class may not change the configuration",
            ));
        }
        let db = {
            let t = self.trans_mut(cx, fx, p)?;
            if !t.read_write {
                return Err(reason(
                    ErrorType::MethodFailed,
                    "the transaction is read-only",
                ));
            }
            t.db
        };
        {
            let d = dev.lock();
            if let Some(h) = d.locked_by_other(db, sid.0) {
                return Err(self.locked(&d, h));
            }
        }
        let t = self.trans_mut(cx, fx, p)?;
        t.edit(op).map_err(data_err)?;
        Ok(json!({}))
    }

    fn validate_commit(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        p: &Params,
        fx: &mut Effects,
    ) -> R {
        p.only(&["th", "comet_id", "handle", "details", "flags"])?;
        p.str("comet_id")?;
        p.str("handle")?;
        p.choice("details", &["normal", "verbose", "very_verbose", "debug"])?;
        flags(p, cx.trace.as_ref())?;
        let sid = self.session(cx, fx)?.sid;
        let (errors, held) = {
            let t = self.trans_mut(cx, fx, p)?;
            if t.trace.is_none() {
                let seed = t.th as u64 ^ sid.0 as u64;
                let made = TraceContext::generate(seed);
                fx.trace = Some(made.clone());
                t.trace = Some(made);
            }
            (validate_tree(&t.tree), t.validate_lock.is_some())
        };
        if !errors.is_empty() {
            return Err(ErrorObject::validation_failed(errors));
        }
        if !held {
            let mut d = dev.lock();
            let took = match d.lock_holder(Datastore::Running) {
                Some(h) if h != sid => return Err(self.locked(&d, h.0)),
                Some(_) => false,
                None => d.lock(Datastore::Running, sid.0).is_ok(),
            };
            drop(d);
            self.trans_mut(cx, fx, p)?.validate_lock = Some(took);
        }
        Ok(json!({}))
    }

    fn commit(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        p: &Params,
        fx: &mut Effects,
        apply: bool,
    ) -> R {
        p.only(&["th", "timeout", "release_locks", "rollback-id", "flags"])?;
        let timeout = p.int("timeout")?;
        if timeout.is_some_and(|t| t < 0) {
            return Err(ErrorObject::params(
                ErrorType::MethodUnknownParamsValue,
                "timeout",
            ));
        }
        p.bool("release_locks")?;
        let rollback_id = p.bool("rollback-id")?.unwrap_or(false);
        let mut cp = flags(p, None)?;
        cp.timeout = timeout
            .filter(|&t| t > 0)
            .map(|t| Duration::from_secs(t as u64));
        let th = p.req_int("th")?;
        let sid = self.session(cx, fx)?.sid;
        {
            let t = self.trans_mut(cx, fx, p)?;
            if !t.read_write {
                return Err(reason(
                    ErrorType::MethodFailed,
                    "the transaction is read-only",
                ));
            }
            if apply && t.trace.is_none() {
                let made = TraceContext::generate(th as u64 ^ 0x5a5a);
                fx.trace = Some(made.clone());
                t.trace = Some(made);
            }
            if let Some(fmt) = cp.dry_run.clone() {
                let changes: Vec<Value> = t.changes().iter().map(|c| c.to_json(false)).collect();
                return Ok(json!({ "dry-run": { "format": fmt, "changes": changes } }));
            }
            if !apply && t.validate_lock.is_none() {
                return Err(reason(
                    ErrorType::MethodFailed,
                    "commit must be preceded by validate_commit",
                ));
            }
            if apply {
                let errors = validate_tree(&t.tree);
                if !errors.is_empty() {
                    return Err(ErrorObject::validation_failed(errors));
                }
            }
            if cp.comment.is_none()
                && let Some(tr) = &t.trace
            {
                cp.comment = Some(format!("jsonrpc trace-id {}", tr.trace_id()));
            }
        }
        let cookie = cx.cookie.clone().unwrap_or_default();
        let mut d = dev.lock();
        let t = self
            .sessions
            .get(&cookie)
            .and_then(|s| s.trans.get(&th))
            .ok_or_else(|| ErrorObject::params(ErrorType::MethodUnknownParamsValue, "th"))?;
        self.commit_trans(&mut d, sid, t, &cp, cx.now)?;
        let ptr = std::sync::Arc::as_ptr(&d.running) as usize;
        let fixed = 10_000 + d.history().count();
        drop(d);
        self.committers.push((ptr, cx.peer.clone()));
        if self.committers.len() > 64 {
            self.committers.remove(0);
        }
        self.take_trans(dev, cx, fx, th)?;
        dev.changed();
        Ok(if rollback_id {
            json!({ "rollback-id": { "fixed": fixed } })
        } else {
            json!({})
        })
    }

    fn confirm_or_abort(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        fx: &mut Effects,
        confirm: bool,
    ) -> R {
        let sid = self.session(cx, fx)?.sid;
        let mut d = dev.lock();
        let Some(pending) = d.pending.as_ref() else {
            return Err(reason(
                ErrorType::MethodFailed,
                "no confirmed commit is in progress",
            ));
        };
        if pending.owner.is_some_and(|o| o != sid.0) {
            return Err(ErrorObject::nso(ErrorType::TransConfirmedCommitInProgress));
        }
        if confirm {
            // A commit of the unchanged configuration confirms it.
            let saved = (d.candidate.clone(), d.candidate_dirty);
            d.candidate = d.running.clone();
            let req = crate::device::commit::CommitRequest::default();
            if let Err(errors) = d.commit(sid.0, cx.now, req, "jsonrpc") {
                d.candidate = saved.0;
                d.candidate_dirty = saved.1;
                return Err(self.device_error(&d, &errors));
            }
        } else {
            d.rollback_pending(cx.now, "confirmed commit cancelled");
        }
        drop(d);
        dev.changed();
        Ok(json!({}))
    }

    fn subscribe_changes(
        &mut self,
        dev: &SimDevice,
        cx: &CallContext,
        p: &Params,
        fx: &mut Effects,
    ) -> R {
        p.only(&[
            "comet_id",
            "handle",
            "path",
            "skip_local_changes",
            "hide_changes",
            "hide_values",
        ])?;
        let comet_id = p.req_str("comet_id")?;
        let (r, _) = path_param(p, "path")?;
        p.bool("skip_local_changes")?;
        let hide_changes = p.bool("hide_changes")?.unwrap_or(false);
        let hide_values = p.bool("hide_values")?.unwrap_or(false);
        let given = p.str("handle")?;
        let handle = match given.clone() {
            Some(h) => h,
            None => self.fresh_handle(),
        };
        let running = dev.lock().running.clone();
        let s = self.session(cx, fx)?;
        if s.subs.contains_key(&handle) {
            return Err(ErrorObject::params(
                ErrorType::MethodUnknownParamsValue,
                "handle",
            ));
        }
        let nso = &*self;
        if let Some(s) = nso.sessions.get(cx.cookie.as_deref().unwrap_or_default()) {
            nso.check_load(s)?;
        }
        let s = self.session(cx, fx)?;
        s.subs.insert(
            handle.clone(),
            Subscription {
                comet_id,
                path: Some(r),
                started: given.is_some(),
                hide_changes,
                hide_values,
                seen: given.is_some().then_some(running),
            },
        );
        Ok(json!({ "handle": handle }))
    }

    fn get_schema(&mut self, dev: &SimDevice, cx: &CallContext, p: &Params, fx: &mut Effects) -> R {
        p.only(&[
            "th",
            "namespace",
            "path",
            "levels",
            "insert_values",
            "evaluate_when_entries",
            "stop_on_list",
            "cdm_namespace",
        ])?;
        let levels = p.int("levels")?.unwrap_or(-1);
        let insert_values = p.bool("insert_values")?.unwrap_or(false);
        for b in ["evaluate_when_entries", "stop_on_list", "cdm_namespace"] {
            p.bool(b)?;
        }
        let ns = p.str("namespace")?;
        let r = if p.has("path") {
            path_param(p, "path")?.0
        } else if let Some(ns) = ns {
            let m = schema::MODULES
                .iter()
                .find(|m| m.namespace == ns)
                .ok_or_else(|| {
                    ErrorObject::params(ErrorType::MethodUnknownParamsValue, "namespace")
                })?;
            let steps = if m.is_native() {
                Vec::new()
            } else {
                vec![schema::Step::named(m.top)]
            };
            Resolved { module: m, steps }
        } else {
            return Err(ErrorObject::params(ErrorType::MethodMissingParams, "path"));
        };
        let tree = if p.has("th") {
            self.trans_mut(cx, fx, p)?.tree.clone()
        } else {
            self.session(cx, fx)?;
            (*dev.lock().running).clone()
        };
        let tagpath = Resolved {
            module: r.module,
            steps: r
                .steps
                .iter()
                .map(|s| schema::Step::named(s.name.clone()))
                .collect(),
        };
        let node = data::find(&tree, &tagpath);
        let parent = if r.steps.len() >= 2 {
            r.steps
                .get(r.steps.len() - 2)
                .map_or("", |s| s.name.as_str())
        } else if r.module.is_native() {
            "configuration"
        } else {
            ""
        };
        let grandparent = match r.steps.len().checked_sub(3) {
            Some(i) => r.steps.get(i).map_or("", |s| s.name.as_str()),
            None if r.module.is_native() && r.steps.len() == 2 => "configuration",
            None => "",
        };
        let name = r.steps.last().map_or("configuration", |s| s.name.as_str());
        let data = super::schema_json::node(
            r.module,
            grandparent,
            parent,
            name,
            node,
            levels,
            insert_values,
        );
        Ok(json!({
            "meta": {
                "namespace": r.module.namespace,
                "keypath": schema::keypath_text(r.module, &r.steps),
                "prefix": r.module.prefix,
                "types": [],
            },
            "data": data,
        }))
    }
}
