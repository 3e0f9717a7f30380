"""Bank statements: reading the banks' CSV/XLS/XLSX exports (`read`), knowing their layouts
(`layouts`), turning rows into credits and debits (`rows`), importing the credits as payments
through the normal matching rules (`importer`) and auditing the draw's money against them (`audit`)."""
