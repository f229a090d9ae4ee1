// The station's commands, the UI's one list of them: one function each,
// taking the command's arguments and resolving to its answer (or rejecting
// with `{code, message}`). A Rust test reads the names back from this file.

import { call } from "./bridge.js";

// A staff command refused because the staff functions are locked (the
// session ended while a staff screen was open): staff.js asks for the PIN.
const command = (name) => (args) =>
  call(name, args).catch((error) => {
    if (error?.code === "staff.locked") document.dispatchEvent(new CustomEvent("staff:locked"));
    throw error;
  });

export const stationInfo = command("station_info");
export const checkClaims = command("check_claims");
export const startIssuance = command("start_issuance");
export const startVerification = command("start_verification");
export const followFlow = command("follow_flow");
export const cancelFlow = command("cancel_flow");
export const forgetFlow = command("forget_flow");
export const history = command("history");
export const historyTimeline = command("history_timeline");
export const getSettings = command("get_settings");
export const saveSettings = command("save_settings");
export const testConnection = command("test_connection");
export const walletAction = command("wallet_action");
export const cameraStart = command("camera_start");
export const cameraFrameShown = command("camera_frame_shown");
export const listCameras = command("list_cameras");
export const cameraStop = command("camera_stop");
export const capturePhoto = command("capture_photo");
export const discardPhoto = command("discard_photo");
export const phonePhotoStart = command("phone_photo_start");
export const sandboxPhonePhoto = command("sandbox_phone_photo");
export const queueList = command("queue_list");
export const queueCounts = command("queue_counts");
export const queueRetry = command("queue_retry");
export const queueCancel = command("queue_cancel");
export const queueStart = command("queue_start");
export const rosterSearch = command("roster_search");
export const connectionStatus = command("connection_status");
export const staffStatus = command("staff_status");
export const staffUnlock = command("staff_unlock");
export const staffLock = command("staff_lock");
export const staffActivity = command("staff_activity");
export const staffSetPin = command("staff_set_pin");
export const setLanguage = command("set_language");
export const kioskScanStart = command("kiosk_scan_start");
export const kioskScanStop = command("kiosk_scan_stop");
export const kioskLookup = command("kiosk_lookup");
export const attendantStats = command("attendant_stats");
export const printBadge = command("print_badge");
