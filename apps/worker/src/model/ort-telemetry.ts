/**
 * onnxruntime-node's Linux build carries Microsoft's 1DS telemetry client (collector
 * mobile.events.data.microsoft.com), which also writes /tmp/mat-debug-<pid>.log in every
 * process that loads it. A service that classifies its users' images sends nothing to anyone
 * by default: telemetry is off unless ORT_DISABLE_TELEMETRY is set to something else. ORT reads
 * the variable when it loads, so this module is imported before onnxruntime-node.
 */
process.env.ORT_DISABLE_TELEMETRY ??= '1';
