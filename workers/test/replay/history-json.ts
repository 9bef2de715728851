import { createRequire } from 'node:module';
import proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

// @temporalio/common's historyToJSON/historyFromJSON fail here ("type must be a Type"): npm installed one
// protobufjs copy under @temporalio/common and another under @temporalio/proto (the root holds gRPC's v7),
// so the converter does not recognise the history type. Using the copy that built the types avoids that.
const fromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const protojson: ProtoJson = fromProto('protobufjs/ext/protojson');
const root = patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown };
const historyType = root.lookupType('temporal.api.history.v1.History');

/** Proto3 JSON, the format `temporal workflow show --output json` writes. */
export function historyToJSON(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return JSON.stringify(protojson.toJson(historyType, message), null, 2);
}

export function historyFromJSON(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
