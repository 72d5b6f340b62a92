document.getElementById('app')!.textContent = 'Sedang disiapkan';
