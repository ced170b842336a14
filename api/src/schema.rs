//! Diesel table definitions shared by both backends. `tests/integration/schema_check.rs`
//! compares them with what each migration tree builds, and the two trees with each other.

diesel::table! {
    schools (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        term_hold -> Bool,
    }
}

diesel::table! {
    roles (code) {
        code -> Text,
        name_zh -> Text,
        name_en -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        school_id -> Nullable<BigInt>,
        account -> Text,
        kind -> Text,
        display_name -> Text,
        national_id -> Nullable<Text>,
        number -> Nullable<Text>,
        email -> Nullable<Text>,
        backup_email -> Nullable<Text>,
        password_hash -> Text,
        must_change_password -> Bool,
        password_changed_at -> Nullable<Timestamp>,
        active -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        valid_until -> Nullable<Timestamp>,
        linked_user_id -> Nullable<BigInt>,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email_set_by_user -> Bool,
        national_id_index -> Nullable<Text>,
    }
}

diesel::table! {
    user_roles (user_id, role_code) {
        user_id -> BigInt,
        role_code -> Text,
    }
}

diesel::table! {
    terms (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        is_current -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    captchas (id) {
        id -> Text,
        answer_hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_failures (id) {
        id -> BigInt,
        client -> Text,
        failed_at -> Timestamp,
        account_key -> Text,
    }
}

diesel::table! {
    password_resets (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    function_modules (code) {
        code -> Text,
        name_zh -> Text,
        name_en -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    role_groups (id) {
        id -> BigInt,
        school_id -> BigInt,
        code -> Text,
        name -> Text,
        in_use -> Bool,
        remark -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    role_group_modules (group_id, module_code) {
        group_id -> BigInt,
        module_code -> Text,
        can_create -> Bool,
        can_update -> Bool,
        can_delete -> Bool,
    }
}

diesel::table! {
    role_group_members (group_id, user_id) {
        group_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    mail_settings (school_id) {
        school_id -> BigInt,
        host -> Text,
        port -> Integer,
        encryption -> Text,
        username -> Nullable<Text>,
        password_encrypted -> Nullable<Text>,
        password_hint -> Nullable<Text>,
        sender_address -> Text,
        sender_name -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        school_id -> BigInt,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        scopes -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        allowed_networks -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        school_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        actor -> Nullable<Text>,
        event -> Text,
        detail -> Nullable<Text>,
        client_addr -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    student_profiles (user_id) {
        user_id -> BigInt,
        school_id -> BigInt,
        birth_date -> Nullable<Date>,
        gender -> Nullable<Text>,
        department -> Nullable<Text>,
        program -> Nullable<Text>,
        division -> Text,
        entry_year -> Integer,
        grade -> Integer,
        class_code -> Nullable<Text>,
        seat_no -> Nullable<Integer>,
        status -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    classes (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        code -> Text,
        name -> Text,
        grade -> Integer,
        homeroom_user_id -> Nullable<BigInt>,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    courses (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        course_code -> Text,
        class_code -> Text,
        subject_name -> Text,
        grade -> Integer,
        credits -> Integer,
        mixed_class -> Bool,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    enrolments (id) {
        id -> BigInt,
        school_id -> BigInt,
        course_id -> BigInt,
        student_id -> BigInt,
        kind -> Text,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    teaching_assignments (id) {
        id -> BigInt,
        school_id -> BigInt,
        course_id -> BigInt,
        teacher_id -> BigInt,
        can_certify -> Bool,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cadre_records (id) {
        id -> BigInt,
        school_id -> BigInt,
        student_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        unit -> Text,
        position -> Text,
        level -> Nullable<Text>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sync_batches (id) {
        id -> BigInt,
        school_id -> BigInt,
        kind -> Text,
        academic_year -> Integer,
        semester -> Integer,
        rows_received -> Integer,
        status_code -> Text,
        error -> Nullable<Text>,
        result -> Nullable<Text>,
        api_key_id -> Nullable<BigInt>,
        received_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    function_parameters (school_id) {
        school_id -> BigInt,
        results_per_semester -> Integer,
        results_per_subject -> Integer,
        teacher_reminder_hour -> Nullable<Integer>,
        remind_results_selection_days -> Integer,
        remind_performances_selection_days -> Integer,
        remind_submit_days -> Integer,
        performances_per_year -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    national_windows (academic_year) {
        academic_year -> Integer,
        results_start -> Date,
        results_end -> Date,
        performances_start -> Date,
        performances_end -> Date,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    work_periods (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        grade -> Integer,
        item -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultant_classes (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        teacher_id -> BigInt,
        class_id -> BigInt,
    }
}

diesel::table! {
    certification_delegates (id) {
        id -> BigInt,
        school_id -> BigInt,
        course_id -> Nullable<BigInt>,
        teacher_id -> Nullable<BigInt>,
        delegate_id -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consultant_students (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        teacher_id -> BigInt,
        student_id -> BigInt,
    }
}

diesel::table! {
    counselor_students (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        teacher_id -> BigInt,
        student_id -> BigInt,
    }
}

diesel::table! {
    stored_files (id) {
        id -> BigInt,
        school_id -> BigInt,
        owner_id -> BigInt,
        sha256 -> Text,
        size -> BigInt,
        kind -> Text,
        original_name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    learning_results (id) {
        id -> BigInt,
        school_id -> BigInt,
        student_id -> BigInt,
        course_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        description -> Text,
        document_file_id -> Nullable<BigInt>,
        video_file_id -> Nullable<BigInt>,
        state -> Text,
        reject_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    learning_result_events (id) {
        id -> BigInt,
        result_id -> BigInt,
        action -> Text,
        state -> Text,
        actor_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        at -> Timestamp,
        document_sha256 -> Nullable<Text>,
        video_sha256 -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    performances (id) {
        id -> BigInt,
        school_id -> BigInt,
        student_id -> BigInt,
        academic_year -> Integer,
        category -> Text,
        title -> Text,
        item -> Nullable<Text>,
        organisation -> Nullable<Text>,
        position -> Nullable<Text>,
        level -> Nullable<Text>,
        award -> Nullable<Text>,
        kind -> Nullable<Text>,
        score -> Nullable<Text>,
        certificate_no -> Nullable<Text>,
        participation -> Nullable<Text>,
        hours -> Nullable<Double>,
        credits -> Nullable<Integer>,
        start_date -> Date,
        end_date -> Nullable<Date>,
        description -> Text,
        link -> Nullable<Text>,
        document_file_id -> Nullable<BigInt>,
        video_file_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    selections (id) {
        id -> BigInt,
        school_id -> BigInt,
        student_id -> BigInt,
        academic_year -> Integer,
        item_kind -> Text,
        item_id -> BigInt,
        selected_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        school_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        title -> Text,
        body -> Text,
        result_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        params -> Nullable<Text>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        school_id -> BigInt,
        user_id -> BigInt,
        reason -> Text,
        day -> Date,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        claim_token -> Nullable<Text>,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        school_id -> BigInt,
        owner_id -> BigInt,
        kind -> Text,
        params -> Text,
        state -> Text,
        done -> BigInt,
        total -> BigInt,
        result_path -> Nullable<Text>,
        result_name -> Nullable<Text>,
        result_sha256 -> Nullable<Text>,
        result_size -> Nullable<BigInt>,
        error -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        claim_token -> Nullable<Text>,
        lock_key -> Nullable<Text>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    roster_exports (id) {
        id -> BigInt,
        school_id -> BigInt,
        job_id -> BigInt,
        roster -> Text,
        grades -> Text,
        division -> Text,
        academic_year -> Integer,
        semester -> Integer,
        exported_by -> BigInt,
        file_name -> Text,
        students -> Integer,
        items -> Integer,
        files -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    roster_export_items (id) {
        id -> BigInt,
        export_id -> BigInt,
        student_id -> BigInt,
        national_id -> Text,
        item_kind -> Text,
        item_id -> BigInt,
        document_name -> Nullable<Text>,
        document_sha256 -> Nullable<Text>,
        video_name -> Nullable<Text>,
        video_sha256 -> Nullable<Text>,
        imported -> Bool,
    }
}

diesel::table! {
    history_chain (id) {
        id -> BigInt,
        school_id -> BigInt,
        seq -> BigInt,
        source -> Text,
        source_id -> BigInt,
        content_hash -> Text,
        prev_hash -> Text,
        hash -> Text,
        sealed_at -> Timestamp,
    }
}

diesel::table! {
    transfer_exports (id) {
        id -> BigInt,
        school_id -> BigInt,
        job_id -> BigInt,
        created_by -> BigInt,
        file_name -> Text,
        student_ids -> Text,
        password_encrypted -> Text,
        md5 -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    transfer_imports (id) {
        id -> BigInt,
        school_id -> BigInt,
        imported_by -> BigInt,
        file_name -> Text,
        md5 -> Text,
        source_school_code -> Text,
        source_school_name -> Text,
        students_total -> Integer,
        students_matched -> Integer,
        items_added -> Integer,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    transfer_items (id) {
        id -> BigInt,
        school_id -> BigInt,
        import_id -> BigInt,
        student_id -> BigInt,
        origin_school_code -> Text,
        origin_school_name -> Text,
        item_kind -> Text,
        origin_id -> BigInt,
        academic_year -> Integer,
        semester -> Nullable<Integer>,
        course_code -> Nullable<Text>,
        title -> Text,
        state -> Nullable<Text>,
        record -> Text,
        document_file_id -> Nullable<BigInt>,
        video_file_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sdl_groups (id) {
        id -> BigInt,
        school_id -> BigInt,
        kind -> Text,
        name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sdl_group_members (group_id, user_id) {
        group_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    sdl_stages (id) {
        id -> BigInt,
        school_id -> BigInt,
        position -> Integer,
        identity -> Text,
        group_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sdl_plans (id) {
        id -> BigInt,
        school_id -> BigInt,
        student_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        theme -> Text,
        subject_group_id -> BigInt,
        goals -> Text,
        content -> Text,
        schedule -> Text,
        expected -> Text,
        resources -> Text,
        start_date -> Date,
        end_date -> Date,
        plan_state -> Text,
        plan_stage -> Nullable<Integer>,
        result_state -> Text,
        result_stage -> Nullable<Integer>,
        reflection -> Text,
        hours -> Nullable<Double>,
        document_file_id -> Nullable<BigInt>,
        video_file_id -> Nullable<BigInt>,
        return_reason -> Nullable<Text>,
        performance_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sdl_flow_stages (id) {
        id -> BigInt,
        plan_id -> BigInt,
        phase -> Text,
        position -> Integer,
        identity -> Text,
        group_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    sdl_events (id) {
        id -> BigInt,
        plan_id -> BigInt,
        phase -> Text,
        action -> Text,
        position -> Nullable<Integer>,
        identity -> Nullable<Text>,
        actor_id -> BigInt,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    sdl_progress (id) {
        id -> BigInt,
        plan_id -> BigInt,
        note -> Text,
        actor_id -> BigInt,
        at -> Timestamp,
    }
}

diesel::table! {
    news (id) {
        id -> BigInt,
        school_id -> Nullable<BigInt>,
        title -> Text,
        body -> Text,
        published_at -> Timestamp,
        pinned -> Bool,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    news_reads (news_id, user_id) {
        news_id -> BigInt,
        user_id -> BigInt,
        read_at -> Timestamp,
    }
}

diesel::table! {
    study_fields (id) {
        id -> BigInt,
        kind -> Text,
        code -> Text,
        name -> Text,
        description -> Text,
        url -> Text,
        sort_order -> Integer,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consultation_records (id) {
        id -> BigInt,
        school_id -> BigInt,
        consultant_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        kind -> Text,
        held_on -> Date,
        topic -> Text,
        content -> Text,
        follow_up -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultation_students (record_id, student_id) {
        record_id -> BigInt,
        student_id -> BigInt,
        class_code -> Nullable<Text>,
    }
}

diesel::table! {
    receipt_imports (id) {
        id -> BigInt,
        school_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        category -> Text,
        file_name -> Text,
        schema_version -> Integer,
        rosters -> Text,
        rosters_key -> Text,
        column_names -> Text,
        uploaded_by -> BigInt,
        window_start -> Timestamp,
        window_end -> Timestamp,
        students -> Integer,
        unmatched -> Integer,
        reset_students -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    receipt_students (id) {
        id -> BigInt,
        import_id -> BigInt,
        student_id -> BigInt,
        national_id -> Text,
        rows_json -> Text,
        row_count -> Integer,
        digest -> Text,
    }
}

diesel::table! {
    receipt_answers (id) {
        id -> BigInt,
        school_id -> BigInt,
        student_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        category -> Text,
        state -> Text,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    receipt_reports (id) {
        id -> BigInt,
        school_id -> BigInt,
        student_id -> BigInt,
        academic_year -> Integer,
        semester -> Integer,
        category -> Text,
        kind -> Text,
        description -> Text,
        created_at -> Timestamp,
        remark -> Nullable<Text>,
        remarked_by -> Nullable<BigInt>,
        remarked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    server_keys (instance) {
        instance -> Text,
        key_id -> Text,
        previous_key_id -> Nullable<Text>,
        seen_at -> Timestamp,
    }
}

diesel::joinable!(users -> schools (school_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_roles -> roles (role_code));
diesel::joinable!(terms -> schools (school_id));
diesel::joinable!(consultant_classes -> classes (class_id));
diesel::joinable!(student_profiles -> users (user_id));
diesel::joinable!(enrolments -> courses (course_id));
diesel::joinable!(teaching_assignments -> courses (course_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(role_groups -> schools (school_id));
diesel::joinable!(role_group_modules -> role_groups (group_id));
diesel::joinable!(role_group_modules -> function_modules (module_code));
diesel::joinable!(role_group_members -> role_groups (group_id));
diesel::joinable!(role_group_members -> users (user_id));
diesel::joinable!(api_keys -> schools (school_id));
diesel::joinable!(learning_results -> courses (course_id));
diesel::joinable!(learning_result_events -> learning_results (result_id));
diesel::joinable!(roster_exports -> jobs (job_id));
diesel::joinable!(roster_export_items -> roster_exports (export_id));
diesel::joinable!(transfer_exports -> jobs (job_id));
diesel::joinable!(transfer_items -> transfer_imports (import_id));

diesel::allow_tables_to_appear_in_same_query!(
    schools,
    roles,
    users,
    user_roles,
    terms,
    refresh_tokens,
    captchas,
    sign_in_failures,
    password_resets,
    function_modules,
    role_groups,
    role_group_modules,
    role_group_members,
    mail_settings,
    api_keys,
    audit_events,
    student_profiles,
    classes,
    courses,
    enrolments,
    teaching_assignments,
    cadre_records,
    sync_batches,
    function_parameters,
    national_windows,
    work_periods,
    consultant_classes,
    certification_delegates,
    consultant_students,
    counselor_students,
    stored_files,
    learning_results,
    learning_result_events,
    performances,
    selections,
    notifications,
    mail_outbox,
    jobs,
    roster_exports,
    roster_export_items,
    history_chain,
    transfer_exports,
    transfer_imports,
    transfer_items,
    sdl_groups,
    sdl_group_members,
    sdl_stages,
    sdl_plans,
    sdl_flow_stages,
    sdl_events,
    sdl_progress,
    news,
    news_reads,
    study_fields,
    consultation_records,
    consultation_students,
    receipt_imports,
    receipt_students,
    receipt_answers,
    receipt_reports,
    server_keys,
);
