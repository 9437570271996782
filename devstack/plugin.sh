#!/bin/bash
#
# devstack plugin for aerospike-filters: installs the Nova scheduler filter,
# weigher and API validators into nova's environment, enables them in
# nova.conf, publishes this compute's facts through nova's provider config,
# follows them from the controller and creates example flavors.
#
# Enable it in local.conf:
#   enable_plugin aerospike-filters <git url of aerospike-filters>

# The functions, shared with tools/realcloud (the real cloud in CI).
# shellcheck disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib/aerospike-filters"

if is_service_enabled aerospike-filters; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing aerospike-filters"
        install_aerospike_filters
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Enabling the Aerospike filters and weigher in nova.conf"
        configure_aerospike_filters
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        if is_service_enabled n-cpu && [[ "$AEROSPIKE_FILTERS_FACTS" == "True" ]]; then
            echo_summary "Writing this compute's facts into nova's provider config"
            write_aerospike_filters_facts
            # nova-compute reads its provider config at start only.
            stop_nova_compute
            start_nova_compute
            wait_for_compute "$NOVA_READY_TIMEOUT"
        fi
        if is_service_enabled n-api && [[ "$AEROSPIKE_FILTERS_FACTS" == "True" ]]; then
            echo_summary "Following the computes' published facts"
            sync_aerospike_filters_facts
        fi
        if is_service_enabled n-cpu && [[ "$AEROSPIKE_FILTERS_SYNC" == "True" ]]; then
            echo_summary "Publishing this compute's ephemeral backend and traits"
            publish_aerospike_filters_backend
        fi
        if [[ "$AEROSPIKE_FILTERS_CREATE_FLAVORS" == "True" ]]; then
            echo_summary "Creating example Aerospike flavors"
            create_aerospike_filters_flavors
        fi
    elif [[ "$1" == "stack" && "$2" == "test-config" ]]; then
        if is_service_enabled tempest; then
            echo_summary "Configuring tempest for aerospike-filters"
            configure_aerospike_filters_tempest
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
