// placeholder: replaced by the workload layer
