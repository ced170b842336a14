//! Diesel table definitions shared by both backends. `tests/integration/schema_check.rs`
//! compares them with the columns the migrations create.

diesel::table! {
    schools (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
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

diesel::joinable!(users -> schools (school_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_roles -> roles (role_code));
diesel::joinable!(terms -> schools (school_id));

diesel::allow_tables_to_appear_in_same_query!(schools, roles, users, user_roles, terms);
