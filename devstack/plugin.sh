#!/bin/bash
#
# devstack plugin for aerospike-filters: installs the Nova scheduler filter,
# weigher and API validators into nova's environment, enables them in
# nova.conf, publishes this compute's ephemeral backend and creates example
# flavors.
#
# Enable it in local.conf:
#   enable_plugin aerospike-filters <git url of aerospike-filters>

_AF_FILTER_PATH=aerospike_filters.all_filters
_AF_WEIGHER_PATH=aerospike_filters.all_weighers
_AF_FILTER=AerospikeStorageFilter
# nova's defaults, used when nova.conf sets none of them.
_AF_NOVA_FILTERS=nova.scheduler.filters.all_filters
_AF_NOVA_ENABLED="ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter"
_AF_NOVA_WEIGHERS=nova.scheduler.weights.all_weighers

# _af_append_to_list <list> <item>: comma-separated list with item once.
function _af_append_to_list {
    local list=$1 item=$2
    if [[ ",$list," == *",$item,"* ]]; then
        echo "$list"
    elif [[ -z "$list" ]]; then
        echo "$item"
    else
        echo "$list,$item"
    fi
}

# _af_remove_from_list <list> <item>
function _af_remove_from_list {
    local list=",$1," item=$2
    list=${list//,$item,/,}
    list=${list#,}
    echo "${list%,}"
}

function install_aerospike_filters {
    # Into the environment nova runs from (devstack's global venv).
    setup_develop "$AEROSPIKE_FILTERS_DIR"
}

function configure_aerospike_filters {
    local conf=$NOVA_CONF
    # available_filters is multi-valued: keep nova's own line, add ours.
    local available
    available=$(iniget_multiline "$conf" filter_scheduler available_filters)
    if [[ -z "$available" ]]; then
        iniadd "$conf" filter_scheduler available_filters "$_AF_NOVA_FILTERS"
    fi
    if ! grep -qx "$_AF_FILTER_PATH" <<< "$available"; then
        iniadd "$conf" filter_scheduler available_filters "$_AF_FILTER_PATH"
    fi

    local enabled
    enabled=$(iniget "$conf" filter_scheduler enabled_filters)
    iniset "$conf" filter_scheduler enabled_filters \
        "$(_af_append_to_list "${enabled:-$_AF_NOVA_ENABLED}" "$_AF_FILTER")"

    local weighers
    weighers=$(iniget "$conf" filter_scheduler weight_classes)
    iniset "$conf" filter_scheduler weight_classes \
        "$(_af_append_to_list "${weighers:-$_AF_NOVA_WEIGHERS}" "$_AF_WEIGHER_PATH")"

    iniset "$conf" aerospike_filters isolate_dedicated_hosts \
        "$AEROSPIKE_FILTERS_ISOLATE_DEDICATED_HOSTS"
    iniset "$conf" aerospike_filters storage_weight_multiplier \
        "$AEROSPIKE_FILTERS_WEIGHT_MULTIPLIER"
    iniset "$conf" aerospike_filters nvme_pci_aliases \
        "$AEROSPIKE_FILTERS_NVME_PCI_ALIASES"
    if [[ -n "$AEROSPIKE_FILTERS_HOST_BACKENDS" ]]; then
        iniset "$conf" aerospike_filters host_backends \
            "$AEROSPIKE_FILTERS_HOST_BACKENDS"
    fi
}

# _af_has_nvme_alias: nova.conf defines a [pci] alias named like ours.
function _af_has_nvme_alias {
    local alias
    for alias in ${AEROSPIKE_FILTERS_NVME_PCI_ALIASES//,/ }; do
        if iniget_multiline "$NOVA_CONF" pci alias | \
                grep -q "\"name\": *\"$alias\""; then
            return 0
        fi
    done
    return 1
}

# _af_flavor <name> <aerospike:storage> [pci_passthrough:alias]
function _af_flavor {
    local name=$1 storage=$2 alias=${3:-}
    if openstack flavor show "$name" >/dev/null 2>&1; then
        return 0
    fi
    local args=(--storage "$storage" --vcpus "$AEROSPIKE_FILTERS_FLAVOR_VCPUS"
                --ram "$AEROSPIKE_FILTERS_FLAVOR_RAM"
                --disk "$AEROSPIKE_FILTERS_FLAVOR_DISK")
    if [[ -n "$alias" ]]; then
        args+=(--nvme-devices "${alias#*:}" --nvme-alias "${alias%%:*}")
    fi
    aerospike-filters flavor create "$name" "${args[@]}" -f value -c id
    echo "$name" >> "$AEROSPIKE_FILTERS_STATE/flavors"
}

function publish_aerospike_filters_backend {
    mkdir -p "$AEROSPIKE_FILTERS_STATE"
    aerospike-filters probe --nova-conf "$NOVA_CONF" \
        > "$AEROSPIKE_FILTERS_STATE/probe.json"
    if ! aerospike-filters help sync >/dev/null 2>&1; then
        echo "aerospike-filters has no sync command; skipping publication"
        return 0
    fi
    aerospike-filters sync --report "$AEROSPIKE_FILTERS_STATE/probe.json" \
        -f value -c aggregate
}

function create_aerospike_filters_flavors {
    mkdir -p "$AEROSPIKE_FILTERS_STATE"
    _af_flavor aerospike.local local
    _af_flavor aerospike.lvm lvm
    if _af_has_nvme_alias; then
        local alias=${AEROSPIKE_FILTERS_NVME_PCI_ALIASES%%,*}
        _af_flavor aerospike.nvme nvme "$alias:1"
    fi
}

function unconfigure_aerospike_filters {
    local conf=$NOVA_CONF
    [[ -f "$conf" ]] || return 0
    local available
    available=$(iniget_multiline "$conf" filter_scheduler available_filters)
    if grep -qx "$_AF_FILTER_PATH" <<< "$available"; then
        inidelete "$conf" filter_scheduler available_filters
        local line
        while read -r line; do
            if [[ -n "$line" && "$line" != "$_AF_FILTER_PATH" ]]; then
                iniadd "$conf" filter_scheduler available_filters "$line"
            fi
        done <<< "$available"
    fi
    local value
    value=$(iniget "$conf" filter_scheduler enabled_filters)
    iniset "$conf" filter_scheduler enabled_filters \
        "$(_af_remove_from_list "$value" "$_AF_FILTER")"
    value=$(iniget "$conf" filter_scheduler weight_classes)
    iniset "$conf" filter_scheduler weight_classes \
        "$(_af_remove_from_list "$value" "$_AF_WEIGHER_PATH")"
}

function cleanup_aerospike_filters {
    local name
    if [[ -f "$AEROSPIKE_FILTERS_STATE/flavors" ]]; then
        while read -r name; do
            openstack flavor delete "$name" || true
        done < "$AEROSPIKE_FILTERS_STATE/flavors"
    fi
    local agg
    for agg in $(openstack aggregate list -f value -c Name 2>/dev/null | \
                 grep '^aerospike-backend-' || true); do
        openstack aggregate remove host "$agg" "$(hostname)" \
            >/dev/null 2>&1 || true
        if [[ -z "$(openstack aggregate show "$agg" -f value -c hosts \
                    2>/dev/null | tr -d '[]')" ]]; then
            openstack aggregate delete "$agg" || true
        fi
    done
    unconfigure_aerospike_filters
    rm -rf "$AEROSPIKE_FILTERS_STATE"
}

if is_service_enabled aerospike-filters; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing aerospike-filters"
        install_aerospike_filters
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Enabling the Aerospike filter and weigher in nova.conf"
        configure_aerospike_filters
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        if is_service_enabled n-cpu && [[ "$AEROSPIKE_FILTERS_SYNC" == "True" ]]; then
            echo_summary "Publishing this compute's ephemeral backend"
            publish_aerospike_filters_backend
        fi
        if [[ "$AEROSPIKE_FILTERS_CREATE_FLAVORS" == "True" ]]; then
            echo_summary "Creating example Aerospike flavors"
            create_aerospike_filters_flavors
        fi
    fi
    if [[ "$1" == "unstack" ]]; then
        # Nothing runs on its own: the plugin lives inside nova's services.
        :
    fi
    if [[ "$1" == "clean" ]]; then
        cleanup_aerospike_filters
    fi
fi
