/** The slice of the MQTT client the dispatcher, correlator and request handler publish through. */
export interface MqttLink {
  /**
   * Publish `message` as JSON. QoS 1 resolves on the broker's PUBACK; rejects when the client is
   * closed before that. While disconnected, mqtt.js keeps QoS 1 publishes and sends them on reconnect.
   */
  publish(topic: string, message: unknown, qos?: 0 | 1): Promise<void>;
  /** Connected and subscribed. */
  connected(): boolean;
}
