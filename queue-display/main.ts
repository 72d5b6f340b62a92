document.body.textContent = 'Sedang disiapkan';
