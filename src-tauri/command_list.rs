// The one list of the window's commands (all in `commands`, some through
// its submodules' re-exports). lib.rs builds the invoke handler from it,
// and build.rs the per-command permissions and the `station-commands`
// permission set that the capability grants: a command added here is
// callable, permitted and granted; one left out is none of those. The UI's
// list is ui/js/api.js, checked against this one by tests/commands.rs.
macro_rules! with_app_commands {
    ($then:ident) => {
        $then! {
            station_info,
            check_claims,
            start_issuance,
            start_verification,
            follow_flow,
            cancel_flow,
            forget_flow,
            history,
            history_timeline,
            get_settings,
            save_settings,
            test_connection,
            wallet_action,
            camera_start,
            camera_frame_shown,
            list_cameras,
            camera_stop,
            capture_photo,
            discard_photo,
            phone_photo_start,
            sandbox_phone_photo,
            queue_list,
            queue_counts,
            queue_retry,
            queue_cancel,
            queue_start,
            roster_search,
            connection_status,
            staff_status,
            staff_unlock,
            staff_lock,
            staff_activity,
            staff_set_pin,
            set_language,
            kiosk_scan_start,
            kiosk_scan_stop,
            kiosk_lookup,
            attendant_stats,
            print_badge,
        }
    };
}

/// The names of the commands `with_app_commands!` lists, as `&[&str]`.
macro_rules! command_names {
    ($($command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}
