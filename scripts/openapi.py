#!/usr/bin/python3
"""Writes docs/openapi.json, the web API's description, from proto/hotline.proto.

Every JSON shape is the protocol message's, as hotlined writes it
(client/json.c, shared with hotlinectl --json): fields by their proto names,
enums as their value names in lower case without the enum's prefix,
64-bit integers as numbers, maps as arrays of {key, value}, a message
field only when set. So the schemas are derived here from the proto's
descriptors and never written by hand; tests/integration/test_web.py checks
the file is up to date and validates real answers against it.

Usage: scripts/openapi.py [OUT]   (needs protoc and python3-protobuf)
"""

import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# API path -> (request message, reply message, summary); the op table decides who may call.
ROUTES = [
    ("/api/v1/scorecard", "ScorecardRequest", "ScorecardReply",
     "部门排名与考核成绩单 (the ranking, or one department's scorecard)"),
    ("/api/v1/hot", "HotRequest", "HotReply", "高频诉求: hot categories or districts"),
    ("/api/v1/overdue", "OverdueRequest", "OverdueReply",
     "超期 (within_hours 0) or 预警 (within_hours > 0) tickets"),
    ("/api/v1/breaches", "BreachesRequest", "BreachesReply", "SLA breaches (超时) in a period"),
    ("/api/v1/timeline", "TimelineRequest", "TimelineReply", "one ticket's SLA timeline"),
]
ERRORS = {"400": "bad parameter", "401": "no session (log in)",
          "403": "the op table refuses this role", "404": "no such ticket",
          "429": "too many failed logins", "503": "Redis unreachable or slow"}
SCALARS = {1: "number", 2: "number", 3: "integer", 4: "integer", 5: "integer", 6: "integer",
           7: "integer", 8: "boolean", 9: "string", 12: "string", 13: "integer",
           15: "integer", 16: "integer", 17: "integer", 18: "integer"}
TYPE_DOUBLE, TYPE_FLOAT, TYPE_MESSAGE, TYPE_ENUM, LABEL_REPEATED = 1, 2, 11, 14, 3
# Fields the web leaves out: a confidential ticket's caller (daemon/web-mask.c).
MASKED = {"Ticket": {"caller_name", "caller_phone"}}


def load_pb():
    """Runs protoc on the proto and imports the result."""
    gen = tempfile.mkdtemp(prefix="openapi-")
    subprocess.run(["protoc", "--python_out=" + gen, "-I" + os.path.join(ROOT, "proto"),
                    os.path.join(ROOT, "proto", "hotline.proto")], check=True)
    sys.path.insert(0, gen)
    import hotline_pb2  # pylint: disable=import-error,import-outside-toplevel
    return hotline_pb2


def enum_names(ed):
    """The JSON names of an enum's values, as client/json.c writes them."""
    prefix = re.sub(r"(?<!^)([A-Z])", r"_\1", ed.name).upper() + "_"
    return [v.name[len(prefix):].lower() for v in ed.values
            if v.name.startswith(prefix) and len(v.name) > len(prefix)]


def value_schema(f, todo):
    """The schema of one value of field f; message types go on todo."""
    if f.type == TYPE_MESSAGE:
        todo.append(f.message_type)
        return {"$ref": "#/components/schemas/" + f.message_type.name}
    if f.type == TYPE_ENUM:
        return {"type": "string", "enum": enum_names(f.enum_type)}
    if f.type in (TYPE_DOUBLE, TYPE_FLOAT):
        return {"type": ["number", "null"]}
    return {"type": SCALARS[f.type]}


def message_schema(md, todo):
    """The schema of message md: every field; scalars and lists always present."""
    props, required = {}, []
    for f in md.fields:
        v = value_schema(f, todo)
        if f.label == LABEL_REPEATED:
            v = {"type": "array", "items": v}
        props[f.name] = v
        if f.type != TYPE_MESSAGE and f.name not in MASKED.get(md.name, ()) \
                and f.containing_oneof is None:
            required.append(f.name)
        elif f.label == LABEL_REPEATED:
            required.append(f.name)
    schema = {"type": "object", "properties": props, "required": required,
              "additionalProperties": False}
    if md.name in MASKED:
        schema["description"] = ("A confidential (保密) ticket's %s are left out." %
                                 " and ".join(sorted(MASKED[md.name])))
    return schema


def parameters(md):
    """The query parameters of a request message: its fields by name."""
    out = []
    for f in md.fields:
        out.append({"name": f.name, "in": "query", "required": False,
                    "schema": {"type": "integer", "minimum": 0} if f.type == 13 else
                    {"type": "string", "enum": enum_names(f.enum_type)} if f.type == TYPE_ENUM
                    else {"type": SCALARS[f.type]}})
    return out


def json_content(ref):
    """A JSON content of a schema reference."""
    return {"application/json": {"schema": {"$ref": "#/components/schemas/" + ref}}}


def build(pb):
    """The whole OpenAPI document."""
    msgs = pb.DESCRIPTOR.message_types_by_name
    todo = [msgs[n] for n in ("Error", "WatchReply", "Event")]
    paths = {}
    errors = {code: {"description": why, "content": json_content("ErrorAnswer")}
              for code, why in ERRORS.items()}
    for path, req, rep, summary in ROUTES:
        todo.append(msgs[rep])
        paths[path] = {"get": {
            "summary": summary, "parameters": parameters(msgs[req]),
            "security": [{"session": []}],
            "description": "The query parameters are %s's fields; the answer is the "
                           "protocol's %s. Who may call it is the protocol's op table "
                           "(hotlined(8), WEB PAGE)." % (req, rep),
            "responses": dict({"200": {"description": rep, "content": json_content(rep)}},
                              **errors)}}
    paths["/api/v1/events"] = {"get": {
        "summary": "the supervisors' feed as Server-Sent Events",
        "security": [{"session": []}],
        "parameters": parameters(msgs["WatchRequest"]) + [
            {"name": "Last-Event-ID", "in": "header", "required": False,
             "schema": {"type": "string"},
             "description": "resume after this event id (EventSource sends it itself)"}],
        "description": "event \"watching\" (WatchReply) first, then one event \"event\" "
                       "(Event, its id the SSE id: the same cursor as watch) per feed "
                       "event; comments as heartbeats; \"error\" (Error) ends it.",
        "responses": dict({"200": {"description": "text/event-stream",
                                   "content": {"text/event-stream": {
                                       "schema": {"type": "string"}}}}}, **errors)}}
    session = {"summary": "who is logged in",
               "responses": {"200": {"description": "Session",
                                     "content": json_content("Session")}}}
    login = {"summary": "log in: a supervisor's or admin's principal and token",
             "requestBody": {"required": True, "content": json_content("Login")},
             "responses": dict({"200": {"description": "Session, and the cookie",
                                        "content": json_content("Session")}}, **errors)}
    paths["/api/v1/session"] = {"get": session, "post": login}
    paths["/api/v1/logout"] = {"post": {"summary": "end the session",
                                        "responses": {"200": {"description": "{}"}}}}
    schemas = {}
    while todo:
        md = todo.pop()
        if md.name not in schemas:
            schemas[md.name] = message_schema(md, todo)
    schemas["ErrorAnswer"] = {"type": "object", "required": ["error"],
                              "additionalProperties": False,
                              "properties": {"error": {"$ref": "#/components/schemas/Error"}}}
    schemas["Login"] = {"type": "object", "required": ["principal", "token"],
                        "properties": {"principal": {"type": "string"},
                                       "token": {"type": "string"}}}
    schemas["Session"] = {"type": "object", "required": ["logged_in"],
                          "additionalProperties": False,
                          "properties": {"logged_in": {"type": "boolean"},
                                         "principal": {"type": "string"},
                                         "role": {"type": "string"},
                                         "department": {"type": "string"},
                                         "session_seconds": {"type": "integer"}}}
    return {"openapi": "3.1.0",
            "info": {"title": "hotline 督办考核 web API", "version": "1",
                     "description": "Generated by scripts/openapi.py from proto/hotline.proto: "
                                    "do not edit. hotlined(8) describes the API, its "
                                    "authorization and the session rules."},
            "paths": paths,
            "components": {"schemas": dict(sorted(schemas.items())),
                           "securitySchemes": {"session": {
                               "type": "apiKey", "in": "cookie", "name": "hotline_session"}}}}


def main():
    """Writes the document to argv[1] or docs/openapi.json."""
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "docs", "openapi.json")
    text = json.dumps(build(load_pb()), ensure_ascii=False, indent=1) + "\n"
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
