/**
 * DJI Cloud API topics of one dock (gateway), as the dock sees them
 * (dji-cloud-api-protocol.md §1: every command and reply goes through the dock SN).
 */

/** Topics a dock publishes to or subscribes to; `{sn}` is the dock (gateway) SN. */
export function dockTopics(sn: string) {
  const thing = `thing/product/${sn}`;
  return {
    // dock → cloud
    status: `sys/product/${sn}/status`,
    servicesReply: `${thing}/services_reply`,
    events: `${thing}/events`,
    requests: `${thing}/requests`,
    drcUp: `${thing}/drc/up`,
    // cloud → dock
    statusReply: `sys/product/${sn}/status_reply`,
    services: `${thing}/services`,
    drcDown: `${thing}/drc/down`,
    eventsReply: `${thing}/events_reply`,
    requestsReply: `${thing}/requests_reply`,
  } as const;
}

export type DockTopics = ReturnType<typeof dockTopics>;
