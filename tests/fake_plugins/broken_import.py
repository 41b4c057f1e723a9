raise ImportError("缺少依赖 some_missing_package")
